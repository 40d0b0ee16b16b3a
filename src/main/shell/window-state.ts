// The main window's size, position and maximised state, kept in window-state.json in the
// user data folder so the next start opens the window where the user left it. A saved
// position is placed back onto the displays there are now (a monitor may have been
// unplugged), so the window never opens off-screen. Plain Node: the window and the
// displays come in through small interfaces shaped like Electron's.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayLike {
  workArea: Rect;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
export const MIN_SIZE = { width: 900, height: 600 } as const;

const int = z.number().int().min(-100_000).max(100_000);
const stateSchema = z.object({
  bounds: z.object({ x: int, y: int, width: int.min(1), height: int.min(1) }),
  maximized: z.boolean(),
});

export const windowStateFile = (userDataDir: string) => join(userDataDir, 'window-state.json');

/** The saved state, or null when there is none or it is unreadable (then the defaults apply). */
export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written whole through a temp file, so a crash mid-write leaves the previous state. */
export function writeWindowState(file: string, state: WindowState): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}

const overlap = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

export interface Placement {
  /** Absent: let the OS centre the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/**
 * Where to open the window: on the display the saved bounds overlap most, moved and
 * shrunk to lie wholly inside its work area (no part under a taskbar or off the edge);
 * on the primary display, centred, when the saved bounds touch no display any more.
 */
export function placeWindow(
  saved: WindowState | null,
  displays: DisplayLike[],
  primary: DisplayLike,
): Placement {
  const fitSize = (area: Rect, width: number, height: number) => ({
    width: clamp(width, Math.min(MIN_SIZE.width, area.width), area.width),
    height: clamp(height, Math.min(MIN_SIZE.height, area.height), area.height),
  });
  if (!saved)
    return { ...fitSize(primary.workArea, DEFAULT_SIZE.width, DEFAULT_SIZE.height), maximized: false };

  let best: DisplayLike | null = null;
  let bestOverlap = 0;
  for (const display of displays) {
    const area = overlap(saved.bounds, display.workArea);
    if (area > bestOverlap) {
      best = display;
      bestOverlap = area;
    }
  }
  const area = (best ?? primary).workArea;
  const size = fitSize(area, saved.bounds.width, saved.bounds.height);
  if (!best) {
    return {
      x: area.x + Math.round((area.width - size.width) / 2),
      y: area.y + Math.round((area.height - size.height) / 2),
      ...size,
      maximized: saved.maximized,
    };
  }
  return {
    x: clamp(saved.bounds.x, area.x, area.x + area.width - size.width),
    y: clamp(saved.bounds.y, area.y, area.y + area.height - size.height),
    ...size,
    maximized: saved.maximized,
  };
}

/** The parts of a BrowserWindow the tracker reads. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  /** The bounds the window has when not maximised, minimised or full screen. */
  getNormalBounds(): Rect;
}

/**
 * Saves the window's state a moment after it stops moving or resizing, and at once when
 * it closes. The normal bounds are saved, so un-maximising next time restores them.
 */
export function trackWindowState(
  window: TrackedWindow,
  save: (state: WindowState) => void,
  delayMs = 500,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    // A minimised window's bounds say nothing about where the user wants it.
    if (window.isMinimized()) return;
    save({
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized() || window.isFullScreen(),
    });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, later);
  window.on('close', flush);
  return () => clearTimeout(timer);
}
