// Sends files from disk for the web shell: the built renderer (a folder of static
// files) and exports registered for download. URL paths come from the network, so a
// path is decoded once, resolved, and served only if it (and its real path, after
// symlinks) stays inside the static folder.
//
// Must never: serve a file outside the static folder, serve dotfiles, or put an
// unescaped file name into a header.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number }
  | { kind: 'bad-request' }
  | { kind: 'forbidden' }
  | { kind: 'not-found' };

/**
 * Maps a raw (still percent-encoded) URL path to a file under staticDir. `/` is
 * index.html; an unknown path without an extension also gets index.html, so a reload
 * on a client-side route still opens the app.
 */
export async function lookupStaticFile(staticDir: string, rawPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad-request' };
  }
  if (decoded.includes('\0')) return { kind: 'bad-request' };
  const root = resolve(staticDir);
  const relative = decoded.replace(/^[/\\]+/, '');
  const target = resolve(root, relative === '' ? 'index.html' : relative);
  if (!isInside(root, target)) return { kind: 'forbidden' };
  const segments = relative.split(/[/\\]/);
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'not-found' };

  const found = await regularFile(root, target);
  if (found) return found;
  const last = segments.at(-1) ?? '';
  if (extname(last) === '') {
    const index = await regularFile(root, resolve(root, 'index.html'));
    if (index) return index;
  }
  return { kind: 'not-found' };
}

async function regularFile(root: string, target: string): Promise<StaticLookup | null> {
  try {
    const [realRoot, realTarget] = await Promise.all([realpath(root), realpath(target)]);
    if (!isInside(realRoot, realTarget)) return { kind: 'forbidden' };
    const info = await stat(realTarget);
    return info.isFile() ? { kind: 'file', path: realTarget, size: info.size } : null;
  } catch {
    return null;
  }
}

function isInside(root: string, target: string): boolean {
  return target.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Streams a file with the given headers; HEAD gets the headers only. */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  size: number,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': contentTypeFor(path), 'Content-Length': size, ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(path), res);
  } catch {
    // The client went away or the file vanished mid-way; the response is already broken.
    res.destroy();
  }
}

/** Headers for a file served by the static folder: the app shell is never cached. */
export function staticHeaders(path: string): OutgoingHttpHeaders {
  return { 'Cache-Control': extname(path).toLowerCase() === '.html' ? 'no-store' : 'no-cache' };
}

/**
 * `attachment` with an ASCII fallback name and the exact name in RFC 5987 form
 * (filename*=UTF-8''...), so "Zoë – Q3.xlsx" downloads under its real name and no
 * quote, semicolon or line break can escape the header.
 */
export function contentDisposition(fileName: string): string {
  const cleaned = fileName.replace(/[\p{Cc}\p{Zl}\p{Zp}/\\]/gu, '_').trim() || 'download';
  const fallback = cleaned
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^ -~]/g, '_')
    .replace(/["%;\\]/g, '_');
  const encoded = encodeURIComponent(cleaned).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
