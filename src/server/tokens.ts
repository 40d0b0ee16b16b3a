// Secrets the server hands out (license keys, device tokens, the admin token) and how
// it stores them: 32 random bytes, shown once, kept only as a SHA-256 digest and looked
// up by digest. A high-entropy token needs no slow hash; a digest lookup also keeps
// comparisons from leaking timing about the secret. Never store or log a plaintext secret.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'lic' | 'dev' | 'adm';

/** e.g. `rs_dev_3q2…` — the prefix says what a leaked string is, the rest is 256 random bits. */
export function newToken(kind: TokenKind): string {
  return `rs_${kind}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Resource ids: a prefix and 128 random bits, unguessable so ids reveal nothing. */
export function newId(prefix: 'org' | 'dev' | 'usr' | 'hold' | 'lease' | 'grant' | 'cap'): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** The hash an idempotent request's body is compared by (422 when a key comes back with another body). */
export function bodyHash(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** The `Bearer` token of an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([\x21-\x7e]{1,512})\s*$/i.exec(header);
  return match?.[1] ?? null;
}
