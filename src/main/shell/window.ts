// The main window: context isolation, sandbox, no Node in the renderer, the bundled
// preload, dev-server or built-file loading, and its size and place remembered between
// starts (window-state.ts decides where it may open). Nothing else lives here.
import { join } from 'node:path';
import { BrowserWindow, screen } from 'electron';
import { ownPages } from './guards';
import {
  MIN_SIZE,
  placeWindow,
  readWindowState,
  trackWindowState,
  windowStateFile,
  writeWindowState,
} from './window-state';

const RENDERER_DIR = join(__dirname, '../renderer');

export function createMainWindow(userDataDir: string): BrowserWindow {
  const stateFile = windowStateFile(userDataDir);
  const place = placeWindow(readWindowState(stateFile), screen.getAllDisplays(), screen.getPrimaryDisplay());
  const window = new BrowserWindow({
    x: place.x,
    y: place.y,
    width: place.width,
    height: place.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Rowsmith',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  trackWindowState(window, (state) => writeWindowState(stateFile, state));
  window.once('ready-to-show', () => {
    if (place.maximized) window.maximize();
    window.show();
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(join(RENDERER_DIR, 'index.html'));
  return window;
}

/** Whether a URL is one of the app's own pages (navigation guards, IPC sender checks). */
export const isOwnPage = ownPages(process.env.ELECTRON_RENDERER_URL, RENDERER_DIR);
