// One Rowsmith at a time, with objects shaped like Electron's app and BrowserWindow: the
// first instance keeps the lock and brings its window forward when a second one starts;
// a second instance quits without touching anything.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { claimSingleInstance, type FocusableWindow } from '../../../src/main/shell/single-instance';

class FakeApp extends EventEmitter {
  quits = 0;
  constructor(private readonly lock: boolean) {
    super();
  }
  requestSingleInstanceLock = () => this.lock;
  quit = () => {
    this.quits++;
  };
}

class FakeWindow implements FocusableWindow {
  calls: string[] = [];
  constructor(public minimized: boolean) {}
  isMinimized = () => this.minimized;
  restore = () => {
    this.calls.push('restore');
    this.minimized = false;
  };
  show = () => this.calls.push('show');
  focus = () => this.calls.push('focus');
}

describe('claimSingleInstance', () => {
  it('the first instance goes on, and a second launch restores and focuses its window', () => {
    const app = new FakeApp(true);
    const window = new FakeWindow(true);
    expect(claimSingleInstance(app, () => window)).toBe(true);
    expect(app.quits).toBe(0);
    app.emit('second-instance', {}, ['rowsmith'], '/home/me');
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
    app.emit('second-instance', {}, ['rowsmith'], '/home/me');
    expect(window.calls).toEqual(['restore', 'show', 'focus', 'show', 'focus']);
  });

  it('a second launch before the window exists is harmless', () => {
    const app = new FakeApp(true);
    claimSingleInstance(app, () => null);
    expect(() => app.emit('second-instance')).not.toThrow();
  });

  it('a second instance quits and listens for nothing', () => {
    const app = new FakeApp(false);
    expect(claimSingleInstance(app, () => new FakeWindow(false))).toBe(false);
    expect(app.quits).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});
