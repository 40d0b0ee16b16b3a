// Shared fixtures for the web shell tests: a handler map with a few real channels (input
// still validated by the contract's schemas) and raw HTTP that can set any Host header.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AppInfo } from '@shared/api';
import { AppError } from '@shared/errors';
import type { TableInfo } from '@shared/model';
import { createHandlerMap, type HandlerImpl, type HandlerMap } from '../../../src/main/ipc/handler-map';

export function fakeHandlers(): HandlerMap {
  const some: Partial<HandlerImpl> = {
    'app/info': async (): Promise<AppInfo> => ({
      version: '9.9.9',
      shell: 'web',
      workbookPath: '/tmp/test.rowsmith',
      nativeDialogs: false,
    }),
    'tables/get': async ({ tableId }): Promise<TableInfo> => ({
      id: tableId,
      name: 'Companies',
      kind: 'companies',
      rowCount: 3,
      columns: [],
    }),
    'jobs/cancel': async () => {
      throw new AppError('busy', 'That job is finishing.');
    },
    'tables/delete': async () => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    },
  };
  const impl = new Proxy(some, {
    get: (target, channel) =>
      target[channel as keyof HandlerImpl] ??
      (async () => {
        throw new AppError('not_available', `${String(channel)} is not part of this test`);
      }),
  }) as HandlerImpl;
  return createHandlerMap(impl);
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number | undefined>;
  body?: string | Buffer;
}

/** One HTTP exchange on 127.0.0.1:port; unlike fetch, it sends `path` and `Host` exactly as given. */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host: `127.0.0.1:${port}` };
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers, agent: false },
      (res) => collect(res).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export async function collect(res: IncomingMessage): Promise<RawResponse> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const text = body.toString('utf8');
  return { status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) };
}
