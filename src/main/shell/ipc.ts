// Registers the handler map with ipcMain: one line per channel, the sender frame
// checked on every call (only our own top frame may call), errors serialised to
// { name, code, message }. Events go to the window with webContents.send.
import { CHANNELS, EVENT_NAMES } from '@shared/api';
import { AppError, serializeError } from '@shared/errors';
import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import { isAppUrl } from '../files/safe-url';
import type { EventBus } from '../ipc/event-bus';
import type { HandlerMap } from '../ipc/handler-map';

export function registerIpc(handlers: HandlerMap, appOrigin: () => string): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      try {
        assertTrustedSender(event, appOrigin());
        return { ok: true, value: await handlers[channel](input) };
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    });
  }
}

export function forwardEvents(events: EventBus, window: BrowserWindow): () => void {
  return events.subscribe((event, payload) => {
    if (!window.isDestroyed() && EVENT_NAMES.includes(event))
      window.webContents.send(`event:${event}`, payload);
  });
}

function assertTrustedSender(event: IpcMainInvokeEvent, origin: string): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isAppUrl(frame.url, origin)) {
    throw new AppError('forbidden', 'IPC call from an untrusted frame.');
  }
}
