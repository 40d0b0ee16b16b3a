// The sandboxed preload: exposes window.rowsmith = { invoke, on, fileFromDrop } typed
// by the shared contract, and nothing more. Bundled into one file (sandbox forbids
// require of local modules). Never exposes ipcRenderer itself.
import type { Channel, EventName, FileRef, RowsmithBridge, ServerEvents } from '@shared/api';
import { deserializeError, serializeError } from '@shared/errors';
import { contextBridge, ipcRenderer, webUtils } from 'electron';

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

const bridge: RowsmithBridge = {
  shell: 'electron',
  async invoke(channel, input) {
    const reply = (await ipcRenderer.invoke(channel as Channel, input)) as Reply;
    // contextBridge keeps only the message of an Error crossing into the page, so the
    // failure crosses as a plain { name, code, message } that the renderer rebuilds.
    if (!reply.ok) throw { ...serializeError(deserializeError(reply.error)) };
    return reply.value as never;
  },
  on<E extends EventName>(event: E, listener: (payload: ServerEvents[E]) => void) {
    const wrapped = (_e: unknown, payload: ServerEvents[E]) => listener(payload);
    ipcRenderer.on(`event:${event}`, wrapped);
    return () => ipcRenderer.removeListener(`event:${event}`, wrapped);
  },
  async fileFromDrop(file: File): Promise<FileRef> {
    const path = webUtils.getPathForFile(file);
    return bridge.invoke('files/register-drop', { path });
  },
};

contextBridge.exposeInMainWorld('rowsmith', bridge);
