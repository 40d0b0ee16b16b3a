// The loopback web shell: where Electron cannot start (and in end-to-end tests) the app
// runs as a small HTTP server on 127.0.0.1 that serves the built renderer and exposes
// window.rowsmith over the SAME handler map the Electron shell registers with ipcMain:
//   POST /api/invoke/<channel>   JSON in, JSON out; errors as { error: { name, code, message } }
//   GET  /api/events             server-sent events: every EventBus event, plus heartbeats
//   POST /api/upload?name=...    request body streamed to a new file, registered for import
//   GET  /api/download/<id>      a file registered for download, as an attachment
//   everything else              static files of the renderer
// Every request passes security.ts first (Host, Origin, Sec-Fetch-Site, token).
//
// Must never: listen beyond 127.0.0.1, answer without the token, trust a client-given
// file name as a path, leak stack traces, or keep a partial upload.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, type ErrorCode, isAppError, serializeError } from '@shared/errors';
import type { FileRegistry } from '../files/file-registry';
import type { EventBus } from '../ipc/event-bus';
import { dispatch, type HandlerMap } from '../ipc/handler-map';
import { createLogger } from '../logger';
import {
  authenticate,
  type Credential,
  checkRequestSource,
  cookieValueFor,
  generateToken,
  SECURITY_HEADERS,
  type Secrets,
  sessionCookie,
} from './security';
import { contentDisposition, lookupStaticFile, sendFile, staticHeaders } from './static-files';

export interface WebShellOptions {
  handlers: HandlerMap;
  events: EventBus;
  files: FileRegistry;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Where uploads are written (created if missing). */
  uploadsDir: string;
  /** 0 (default) = a random free port. */
  port?: number;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** Default: 4 GiB. */
  maxUploadBytes?: number;
}

export interface WebShell {
  /** http://127.0.0.1:PORT/?token=... — the address to open in a browser. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_INVOKE_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
const HEARTBEAT_MS = 15_000;
/** An event stream whose client stopped reading is dropped past this much backlog. */
const MAX_SSE_BACKLOG_BYTES = 8 * 1024 * 1024;
/** After refusing a body, how long the client may keep sending before the socket is cut. */
const REFUSED_BODY_GRACE_MS = 2_000;
const FILE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const log = createLogger('web');

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_value: 400,
  unsupported_file: 400,
  not_a_table: 400,
  forbidden: 403,
  unknown_channel: 404,
  not_found: 404,
  conflict: 409,
  busy: 409,
  cancelled: 409,
  file_too_large: 413,
  internal: 500,
  not_available: 501,
};

class BodyTooLarge extends AppError {
  constructor(limit: number) {
    super('file_too_large', `The request is larger than the ${formatBytes(limit)} this server accepts.`);
  }
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const token = opts.token ?? generateToken();
  const secrets: Secrets = { token, cookie: cookieValueFor(token) };
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const eventStreams = new Set<ServerResponse>();
  await mkdir(opts.uploadsDir, { recursive: true, mode: 0o700 });

  let port = 0;
  // Uploads of gigabytes may take long: no overall request timeout on a loopback server.
  const server = createServer({ requestTimeout: 0, headersTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      if (value !== undefined) res.setHeader(name, value);
    const refusal = checkRequestSource(req.headers, port);
    if (refusal) return sendError(res, new AppError('forbidden', refusal));

    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
    const allow = (accept: readonly Credential[]): boolean => {
      if (authenticate(req.headers, query, secrets, accept)) return true;
      sendError(
        res,
        new AppError(
          'forbidden',
          'Missing or wrong access token. Open Rowsmith from the address it printed.',
        ),
        401,
      );
      return false;
    };

    if (rawPath.startsWith('/api/')) {
      if (rawPath.startsWith('/api/download/')) {
        if (!requireMethod(req, res, ['GET', 'HEAD']) || !allow(['bearer', 'cookie'])) return;
        return download(req, res, rawPath.slice('/api/download/'.length));
      }
      if (!allow(['bearer'])) return;
      if (rawPath.startsWith('/api/invoke/')) {
        if (!requireMethod(req, res, ['POST'])) return;
        return invoke(req, res, rawPath.slice('/api/invoke/'.length));
      }
      if (rawPath === '/api/events') {
        if (!requireMethod(req, res, ['GET'])) return;
        return streamEvents(req, res);
      }
      if (rawPath === '/api/upload') {
        if (!requireMethod(req, res, ['POST'])) return;
        return upload(req, res, query.get('name') ?? '');
      }
      return sendError(res, new AppError('not_found', 'No such endpoint.'));
    }

    if (!requireMethod(req, res, ['GET', 'HEAD'])) return;
    const credential = authenticate(req.headers, query, secrets, ['bearer', 'query', 'cookie']);
    if (!credential) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('Rowsmith: open this app from the address it printed (it carries an access token).\n');
      return;
    }
    if (credential === 'query') res.setHeader('Set-Cookie', sessionCookie(token));
    const found = await lookupStaticFile(opts.staticDir, rawPath);
    if (found.kind !== 'file') {
      const status = found.kind === 'bad-request' ? 400 : found.kind === 'forbidden' ? 403 : 404;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(status === 404 ? 'Not found\n' : 'Refused\n');
      return;
    }
    return sendFile(req, res, found.path, found.size, staticHeaders(found.path));
  }

  async function invoke(req: IncomingMessage, res: ServerResponse, rawChannel: string): Promise<void> {
    let channel: string;
    try {
      channel = decodeURIComponent(rawChannel);
    } catch {
      return sendError(res, new AppError('unknown_channel', 'Unknown channel.'));
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return refuseBody(req, res, new AppError('invalid_input', 'Send the input as application/json.'), 415);
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_INVOKE_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuseBody(req, res, error);
      throw error;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, new AppError('invalid_input', 'The request body is not valid JSON.'));
    }
    try {
      const output = await dispatch(opts.handlers, channel, input);
      sendJson(res, 200, output ?? null);
    } catch (error) {
      sendError(res, error);
    }
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (text: string): void => {
      if (res.writableLength > MAX_SSE_BACKLOG_BYTES) res.destroy();
      else res.write(text);
    };
    send(': connected\n\n');
    eventStreams.add(res);
    const unsubscribe = opts.events.subscribe((event, payload) => {
      send(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      eventStreams.delete(res);
    });
  }

  async function upload(req: IncomingMessage, res: ServerResponse, givenName: string): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxUploadBytes) return refuseBody(req, res, new BodyTooLarge(maxUploadBytes));
    const name = displayName(givenName);
    const path = join(opts.uploadsDir, `${randomBytes(16).toString('hex')}${safeExtension(name)}`);
    let received = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > maxUploadBytes) callback(new BodyTooLarge(maxUploadBytes));
        else callback(null, chunk);
      },
    });
    const onClose = (): void => {
      if (!req.complete) limiter.destroy(new AppError('cancelled', 'The upload was interrupted.'));
    };
    req.on('close', onClose);
    // req is piped, not part of the pipeline, so a refused body does not destroy the
    // socket before the 413 is sent.
    req.pipe(limiter);
    try {
      await pipeline(limiter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      req.unpipe(limiter);
      await rm(path, { force: true });
      if (error instanceof BodyTooLarge) return refuseBody(req, res, error);
      if (isAppError(error, 'cancelled')) return;
      throw error;
    } finally {
      req.off('close', onClose);
    }
    const file = opts.files.register(path, 'import', { name, temporary: true });
    sendJson(res, 200, opts.files.toRef(file));
  }

  async function download(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    const id = safeDecode(rawId);
    if (id === null || !FILE_ID.test(id))
      return sendError(res, new AppError('not_found', 'No such download.'));
    const file = opts.files.get(id, 'download');
    const found = await lookupFileSize(file.path);
    if (found === null) return sendError(res, new AppError('not_found', 'That file is no longer available.'));
    return sendFile(req, res, file.path, found, {
      'Content-Disposition': contentDisposition(file.name),
      'Cache-Control': 'no-store',
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close: () => {
      closing ??= closeServer(server, eventStreams);
      return closing;
    },
  };
}

function closeServer(server: Server, eventStreams: Set<ServerResponse>): Promise<void> {
  return new Promise((resolve, reject) => {
    for (const res of eventStreams) res.end();
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function requireMethod(req: IncomingMessage, res: ServerResponse, methods: string[]): boolean {
  if (methods.includes(req.method ?? '')) return true;
  res.setHeader('Allow', methods.join(', '));
  sendError(res, new AppError('invalid_input', `Use ${methods.join(' or ')} here.`), 405);
  return false;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/**
 * Errors leave as { error: { name, code, message } }, exactly as over IPC; an unexpected
 * error is logged here, and its stack is never sent.
 */
function sendError(res: ServerResponse, error: unknown, status?: number): void {
  const serialized = serializeError(error);
  if (!isAppError(error)) log.error('unexpected error while answering a request', error);
  sendJson(res, status ?? STATUS_BY_CODE[serialized.code] ?? 500, { error: serialized });
}

/**
 * Answers before the body has been read: asks the client to close, lets it finish
 * sending for a moment so it can read the answer, then cuts the socket.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, error: AppError, status?: number): void {
  res.setHeader('Connection', 'close');
  sendError(res, error, status);
  req.resume();
  res.once('finish', () => {
    setTimeout(() => req.socket.destroy(), REFUSED_BODY_GRACE_MS).unref();
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyTooLarge(limit));
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new AppError('cancelled', 'The request was interrupted.'));
    });
  });
}

async function lookupFileSize(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The name shown to the user: the last path segment, without control characters. */
function displayName(given: string): string {
  const last = given.split(/[/\\]/).at(-1) ?? '';
  const cleaned = last
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, '')
    .trim()
    .slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload' : cleaned;
}

/** Keeps the extension (the importer sniffs formats by it) only if it is plainly safe. */
function safeExtension(name: string): string {
  const ext = extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,10}$/.test(ext) ? ext : '';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  return `${bytes} bytes`;
}
