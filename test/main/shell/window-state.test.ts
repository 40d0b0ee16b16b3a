// Where the window opens: the saved bounds placed back onto today's displays (a monitor
// unplugged, a laptop moved from a dock, a taskbar that grew), the JSON file that keeps
// them, and the tracker that saves them, driven by an EventEmitter shaped like a window.
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DisplayLike,
  placeWindow,
  type Rect,
  readWindowState,
  trackWindowState,
  type WindowState,
  windowStateFile,
  writeWindowState,
} from '../../../src/main/shell/window-state';
import { tempDir } from '../../helpers/temp';

const display = (x: number, y: number, width: number, height: number): DisplayLike => ({
  workArea: { x, y, width, height },
});
// A 1920×1080 laptop panel with a 40 px taskbar, and a 2560×1440 monitor to its right.
const laptop = display(0, 0, 1920, 1040);
const monitor = display(1920, 0, 2560, 1400);
const saved = (bounds: Rect, maximized = false): WindowState => ({ bounds, maximized });

const inside = (b: Required<Pick<ReturnType<typeof placeWindow>, 'x' | 'y'>> & Rect, area: Rect) =>
  b.x >= area.x &&
  b.y >= area.y &&
  b.x + b.width <= area.x + area.width &&
  b.y + b.height <= area.y + area.height;

describe('placeWindow', () => {
  it('first start: the default size, centred by the OS', () => {
    expect(placeWindow(null, [laptop], laptop)).toEqual({ width: 1400, height: 900, maximized: false });
  });

  it('first start on a small screen: no bigger than its work area', () => {
    const small = display(0, 0, 1280, 680);
    expect(placeWindow(null, [small], small)).toEqual({ width: 1280, height: 680, maximized: false });
  });

  it('keeps a position that is still fully visible', () => {
    const state = saved({ x: 2100, y: 100, width: 1600, height: 1000 }, true);
    expect(placeWindow(state, [laptop, monitor], laptop)).toEqual({
      x: 2100,
      y: 100,
      width: 1600,
      height: 1000,
      maximized: true,
    });
  });

  it('a window left on an unplugged monitor opens centred on the primary display', () => {
    const state = saved({ x: 2100, y: 100, width: 1600, height: 1000 });
    const place = placeWindow(state, [laptop], laptop);
    expect(place).toEqual({ x: 160, y: 20, width: 1600, height: 1000, maximized: false });
  });

  it('a window hanging off an edge is pulled back inside the display it is mostly on', () => {
    const place = placeWindow(saved({ x: 1500, y: 700, width: 1200, height: 800 }), [laptop], laptop);
    expect(place).toMatchObject({ x: 720, y: 240, width: 1200, height: 800 });
  });

  it('a window straddling two monitors goes to the one it overlaps most, shrunk to fit', () => {
    const place = placeWindow(
      saved({ x: 1800, y: -50, width: 3000, height: 1600 }),
      [laptop, monitor],
      laptop,
    );
    expect(place).toMatchObject({ x: 1920, y: 0, width: 2560, height: 1400 });
  });

  it('a monitor to the left (negative coordinates) counts as visible', () => {
    const left = display(-1680, 0, 1680, 1010);
    const place = placeWindow(saved({ x: -1500, y: 50, width: 1200, height: 800 }), [left, laptop], laptop);
    expect(place).toMatchObject({ x: -1500, y: 50 });
  });

  it('never opens off-screen, whatever was saved and whatever the displays are now', () => {
    const layouts = [[laptop], [laptop, monitor], [display(-1280, -200, 1280, 984), laptop], [monitor]];
    const rects: Rect[] = [
      { x: -30_000, y: -30_000, width: 1200, height: 800 },
      { x: 5000, y: 3000, width: 1200, height: 800 },
      { x: 100, y: 1039, width: 1200, height: 800 },
      { x: 0, y: 0, width: 9000, height: 9000 },
      { x: 1919, y: 0, width: 10, height: 10 },
    ];
    for (const displays of layouts) {
      for (const bounds of rects) {
        const place = placeWindow(saved(bounds), displays, displays[0] as DisplayLike);
        const x = place.x as number;
        const y = place.y as number;
        expect(displays.some((d) => inside({ ...place, x, y }, d.workArea))).toBe(true);
      }
    }
  });
});

describe('window-state.json', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rowsmith-window-');
  });
  afterEach(() => dir.cleanup());

  it('round-trips the state, and reads a missing or damaged file as "none"', () => {
    const file = windowStateFile(dir.path);
    expect(readWindowState(file)).toBeNull();
    const state = saved({ x: -1500, y: 40, width: 1300, height: 850 }, true);
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    writeFileSync(file, '{"bounds":{"x":1,"y":2,"width":"wide"},"maximized":false}');
    expect(readWindowState(file)).toBeNull();
    writeFileSync(file, '{not json');
    expect(readWindowState(file)).toBeNull();
  });
});

class FakeWindow extends EventEmitter {
  bounds: Rect = { x: 10, y: 20, width: 1400, height: 900 };
  maximized = false;
  minimized = false;
  fullScreen = false;
  isMaximized = () => this.maximized;
  isMinimized = () => this.minimized;
  isFullScreen = () => this.fullScreen;
  getNormalBounds = () => ({ ...this.bounds });
}

describe('trackWindowState', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('saves once a burst of moves and resizes settles, and at once on close', () => {
    const window = new FakeWindow();
    const saves: WindowState[] = [];
    trackWindowState(window, (s) => saves.push(s), 500);
    for (let i = 0; i < 20; i++) {
      window.bounds = { ...window.bounds, x: 10 + i };
      window.emit('move');
    }
    expect(saves).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(saves).toEqual([{ bounds: { x: 29, y: 20, width: 1400, height: 900 }, maximized: false }]);

    window.maximized = true;
    window.emit('maximize');
    window.emit('close');
    expect(saves.at(-1)).toEqual({ bounds: { x: 29, y: 20, width: 1400, height: 900 }, maximized: true });
    vi.advanceTimersByTime(1000);
    expect(saves).toHaveLength(2);
  });

  it('does not save where a minimised window sits, and keeps full screen as maximised', () => {
    const window = new FakeWindow();
    const saves: WindowState[] = [];
    trackWindowState(window, (s) => saves.push(s), 500);
    window.minimized = true;
    window.emit('resize');
    vi.advanceTimersByTime(500);
    expect(saves).toHaveLength(0);
    window.minimized = false;
    window.fullScreen = true;
    window.emit('close');
    expect(saves).toEqual([{ bounds: window.bounds, maximized: true }]);
  });

  it('writes through to the file the next start reads', () => {
    const dir = tempDir('rowsmith-window-');
    try {
      const file = windowStateFile(dir.path);
      const window = new FakeWindow();
      trackWindowState(window, (s) => writeWindowState(file, s));
      window.emit('close');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ bounds: window.bounds, maximized: false });
      expect(placeWindow(readWindowState(file), [laptop], laptop)).toMatchObject(window.bounds);
    } finally {
      dir.cleanup();
    }
  });
});
