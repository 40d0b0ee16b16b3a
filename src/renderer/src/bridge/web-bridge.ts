// window.rowsmith for the loopback web shell (src/main/web/server.ts): the same contract
// the Electron preload offers, carried over HTTP to the same handler map.
// - The access token arrives once in the address (?token=...). It is kept in
//   sessionStorage (this tab only) and removed from the address bar at once, so it does
//   not linger in history, bookmarks or screenshots. Every API call sends it as a
//   Bearer header; assets and download links use the HttpOnly cookie the server set.
// - invoke: POST /api/invoke/<channel>; a failure is rebuilt as an AppError with its code.
// - on: ONE shared server-sent-events connection (fetch, so it can carry the header),
//   opened with the first listener, closed with the last, reconnected with backoff.
//   Events sent while disconnected are lost, so after a reconnect every 'tables/changed'
//   listener receives { tableId: null, what } for each kind of change, telling views
//   to reload whatever they show.
// - upload: XMLHttpRequest, because fetch cannot report upload progress.
//
// Must never: put the token in a URL it builds, log it, or let one listener's exception
// break event delivery to the others.
import type {
  Channel,
  ChannelInput,
  ChannelOutput,
  EventName,
  FileRef,
  RowsmithBridge,
  ServerEvents,
} from '@shared/api';
import { AppError, deserializeError } from '@shared/errors';

const TOKEN_KEY = 'rowsmith.webShellToken';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;
const NO_TOKEN_MESSAGE =
  'This page was opened without its access token. Open Rowsmith from the address it printed.';
const OFFLINE_MESSAGE = 'Rowsmith is not answering. Check that it is still running, then reload this page.';

export function createWebBridge(): RowsmithBridge {
  const token = takeToken();
  const events = new EventStream(token);

  const authorization = (): string => {
    if (!token) throw new AppError('forbidden', NO_TOKEN_MESSAGE);
    return `Bearer ${token}`;
  };

  async function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    let response: Response;
    try {
      response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: { Authorization: authorization(), 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        cache: 'no-store',
      });
    } catch (error) {
      throw error instanceof AppError ? error : new AppError('not_available', OFFLINE_MESSAGE);
    }
    if (!response.ok) throw errorFrom(response.status, await response.text().catch(() => ''));
    return (await response.json()) as ChannelOutput<C>;
  }

  function upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<FileRef> {
    return new Promise<FileRef>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
      try {
        xhr.setRequestHeader('Authorization', authorization());
      } catch (error) {
        reject(error);
        return;
      }
      xhr.responseType = 'text';
      xhr.upload.onprogress = (event) =>
        onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
      xhr.onload = () => {
        if (xhr.status !== 200) {
          reject(errorFrom(xhr.status, xhr.responseText));
          return;
        }
        try {
          resolve(JSON.parse(xhr.responseText) as FileRef);
        } catch {
          reject(new AppError('internal', 'The upload finished but its answer could not be read.'));
        }
      };
      xhr.onerror = () =>
        reject(
          new AppError(
            'not_available',
            `The upload of ${file.name} failed: the connection to Rowsmith was lost (is the file larger than it accepts?).`,
          ),
        );
      xhr.onabort = () => reject(new AppError('cancelled', 'The upload was cancelled.'));
      xhr.send(file);
    });
  }

  return {
    shell: 'web',
    invoke,
    on: (event, listener) => events.on(event, listener),
    upload,
    fileFromDrop: (file) => upload(file),
    downloadUrl: (downloadId) => `/api/download/${encodeURIComponent(downloadId)}`,
  };
}

/** Reads the token from the address on first load (then hides it), else from this tab's storage. */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromAddress = url.searchParams.get('token');
  if (fromAddress) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromAddress);
    } catch {
      // Storage disabled: the token still works until the page is reloaded.
    }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromAddress;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The server's { error: { name, code, message } } as an AppError, whatever the body holds. */
function errorFrom(status: number, body: string): AppError {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (parsed.error && typeof parsed.error === 'object') return deserializeError(parsed.error);
  } catch {
    // not JSON: fall through
  }
  if (status === 401) return new AppError('forbidden', NO_TOKEN_MESSAGE);
  if (status === 413) return new AppError('file_too_large', 'That is larger than Rowsmith accepts.');
  return new AppError('internal', `Rowsmith answered with HTTP ${status}.`);
}

type AnyListener = (payload: unknown) => void;

/** One fetch-streamed SSE connection shared by every listener. */
class EventStream {
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private controller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private connectedBefore = false;

  constructor(private readonly token: string | null) {}

  on<E extends EventName>(event: E, listener: (payload: ServerEvents[E]) => void): () => void {
    const wrapped = listener as AnyListener;
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(wrapped);
    if (!this.controller && this.retryTimer === null) void this.connect();
    return () => {
      const current = this.listeners.get(event);
      current?.delete(wrapped);
      if (current?.size === 0) this.listeners.delete(event);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private disconnect(): void {
    this.controller?.abort();
    this.controller = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async connect(): Promise<void> {
    if (!this.token) return;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const response = await fetch('/api/events', {
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      // A refused token will not become valid by retrying.
      if (response.status === 401 || response.status === 403) {
        this.controller = null;
        return;
      }
      if (response.ok && response.body) {
        this.retryMs = FIRST_RETRY_MS;
        if (this.connectedBefore) this.announceReconnect();
        this.connectedBefore = true;
        await this.read(response.body);
      }
    } catch {
      // network failure or abort: decided below
    }
    if (this.controller !== controller || controller.signal.aborted) return;
    this.controller = null;
    if (this.listeners.size === 0) return;
    const delay = this.retryMs + Math.random() * this.retryMs * 0.3;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** Parses text/event-stream (https://html.spec.whatwg.org/#event-stream-interpretation). */
  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let eventName = '';
    let data: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (;;) {
        const match = /\r\n|\n|\r/.exec(buffer);
        // A lone CR at the end may be the first half of a CRLF: wait for more.
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0) this.deliver(eventName || 'message', data.join('\n'));
          eventName = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let fieldValue = colon === -1 ? '' : line.slice(colon + 1);
        if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1);
        if (field === 'event') eventName = fieldValue;
        else if (field === 'data') data.push(fieldValue);
      }
    }
  }

  private deliver(event: string, text: string): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        reportError(error);
      }
    }
  }

  private announceReconnect(): void {
    for (const what of ['tables', 'columns', 'rows'] as const) {
      this.deliver('tables/changed', JSON.stringify({ tableId: null, what }));
    }
  }
}
