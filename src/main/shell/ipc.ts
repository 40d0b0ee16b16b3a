// Registers the handler map with ipcMain: one line per channel, the sender frame
// checked on every call (only our own top frame may call), errors serialised to
// { name, code, message }. Events go to the window with webContents.send.
import { CHANNELS, EVENT_NAMES, type EventName, type ServerEvents } from '@shared/api';
import { AppError, serializeError } from '@shared/errors';
import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { EventBus } from '../ipc/event-bus';
import type { HandlerMap } from '../ipc/handler-map';
import { isTrustedSender } from './guards';

export function registerIpc(handlers: HandlerMap, isOwnPage: (url: string) => boolean): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      try {
        assertTrustedSender(event, isOwnPage);
        return { ok: true, value: await handlers[channel](input) };
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    });
  }
}

export function sendEvent<E extends EventName>(
  window: BrowserWindow | null,
  event: E,
  payload: ServerEvents[E],
): void {
  if (window && !window.isDestroyed()) window.webContents.send(`event:${event}`, payload);
}

export function forwardEvents(events: EventBus, window: BrowserWindow): () => void {
  return events.subscribe((event, payload) => {
    if (EVENT_NAMES.includes(event)) sendEvent(window, event, payload);
  });
}

function assertTrustedSender(event: IpcMainInvokeEvent, isOwnPage: (url: string) => boolean): void {
  if (!isTrustedSender(event.senderFrame, isOwnPage)) {
    throw new AppError('forbidden', 'IPC call from an untrusted frame.');
  }
}
