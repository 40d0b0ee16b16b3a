// The web shell's gatekeeping: a local HTTP port is reachable by every process on the
// machine and, through the browser, by every web page the user visits. So each request
// must prove it comes from our own page (Host, Origin and Sec-Fetch-Site checks defeat
// DNS rebinding and cross-site requests) and carries the session token.
//
// Credentials:
// - The API (invoke, events, upload) accepts only `Authorization: Bearer <token>`. A
//   browser never attaches that header on its own, so cross-site request forgery is
//   impossible by construction.
// - The first page load may carry `?token=`; the server then sets the HttpOnly,
//   SameSite=Strict cookie `rowsmith_token` so the page's assets and download links work.
//   Browsers send cookies to every port of a host, so the cookie holds a value derived
//   from the token (HMAC), never the token itself: it opens static files and downloads
//   (which also need an unguessable id), not the API.
// Tokens are compared in constant time.
//
// Must never: accept a request whose Host is not our loopback address, let a foreign
// Origin through, or compare secrets with `===`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export const TOKEN_COOKIE = 'rowsmith_token';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // AG Grid injects its theme as <style> elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  // AG Grid's icon fonts may be embedded in its CSS as data: URLs.
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The powerful features the page may never use, whatever the browser has been told to
 * grant this address: the web shell's counterpart of the Electron session's permission
 * handler, which refuses every request (shell/guards.ts).
 */
export const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'display-capture=()',
  'midi=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'payment=()',
].join(', ');

/** Headers sent with every response, API and static alike. */
export const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Other local pages (same site, other port) cannot embed our scripts or files.
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking them. */
export function secretsEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie's value: derived from the token, so a leaked cookie does not open the API. */
export function cookieValueFor(token: string): string {
  return createHmac('sha256', token).update('rowsmith web-shell asset cookie').digest('base64url');
}

export function sessionCookie(token: string): string {
  return `${TOKEN_COOKIE}=${cookieValueFor(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * Why a request must be refused with 403 before its credentials are even looked at, or
 * null when it plausibly comes from our own page (or from a non-browser client).
 */
export function checkRequestSource(headers: IncomingHttpHeaders, port: number): string | null {
  const host = headers.host?.toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return 'This server only answers to 127.0.0.1 and localhost.';
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const normalised = origin.toLowerCase();
    if (normalised !== `http://127.0.0.1:${port}` && normalised !== `http://localhost:${port}`) {
      return 'Requests from other sites are not allowed.';
    }
  }
  // Browsers label every request: only our own page ('same-origin') and the user typing
  // or opening the address ('none') are legitimate. Another local port is 'same-site'.
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'Requests from other sites are not allowed.';
  }
  return null;
}

export type Credential = 'bearer' | 'query' | 'cookie';

export interface Secrets {
  token: string;
  cookie: string;
}

/**
 * Which accepted credential the request proves, or null (→ 401). A credential that is
 * present but wrong fails the request even if another one would have passed.
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  secrets: Secrets,
  accept: readonly Credential[],
): Credential | null {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return accept.includes('bearer') && secretsEqual(match?.[1], secrets.token) ? 'bearer' : null;
  }
  const fromQuery = query.get('token');
  if (fromQuery !== null) {
    return accept.includes('query') && secretsEqual(fromQuery, secrets.token) ? 'query' : null;
  }
  if (accept.includes('cookie')) {
    const cookie = readCookie(headers.cookie, TOKEN_COOKIE);
    if (cookie !== null && secretsEqual(cookie, secrets.cookie)) return 'cookie';
  }
  return null;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}
