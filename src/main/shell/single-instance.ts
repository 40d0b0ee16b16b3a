// One Rowsmith per user: a second launch hands over to the running one, which brings its
// window to the front (a second process would open the same workbook and race it for
// SQLite locks and credit sequence numbers). Electron's app comes in through an interface.

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

export interface FocusableWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** The window to the front: restored if minimised, shown if hidden. */
export function bringToFront(window: FocusableWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * True when this process is the only instance (it goes on starting); false when another
 * instance holds the lock, in which case this one quits and the other comes to the front.
 */
export function claimSingleInstance(app: SingleInstanceApp, window: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const current = window();
    if (current) bringToFront(current);
  });
  return true;
}
