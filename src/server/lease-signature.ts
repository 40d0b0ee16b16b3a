// Ed25519 signatures over offline leases, with node:crypto only, so the desktop main
// process can import verifyLease without pulling in Fastify or a database. The signed
// bytes are canonicalJson(payload) (src/shared/licensing.ts). Public keys travel as
// the raw 32 bytes in base64 or as SPKI PEM; both are accepted. Never holds a private
// key longer than a call, never throws on a bad signature (it answers false).
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson, type LeasePayload } from '@shared/licensing';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromString(publicKey: string): KeyObject {
  const text = publicKey.trim();
  if (text.startsWith('-----BEGIN')) return createPublicKey({ key: text, format: 'pem' });
  const raw = Buffer.from(text, 'base64');
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('base64');
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

export function keyIdOf(rawBase64: string): string {
  return createHash('sha256').update(Buffer.from(rawBase64, 'base64')).digest('hex').slice(0, 16);
}

export function signLease(payload: LeasePayload, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(payload), 'utf8'), privateKey).toString('base64');
}

/**
 * True when `signature` (base64) is the server's Ed25519 signature of `payload`.
 * `publicKey` is the raw key in base64 or SPKI PEM, as served by GET /v1/public-key.
 * Checks the signature only: the caller still checks expiresAt against its clock.
 */
export function verifyLease(
  payload: LeasePayload,
  signature: string,
  publicKey: string | KeyObject,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? publicKeyFromString(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, Buffer.from(canonicalJson(payload), 'utf8'), key, sig);
  } catch {
    return false;
  }
}

export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('the lease signing key must be Ed25519');
  return key;
}
