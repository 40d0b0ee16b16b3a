// The server's two long-lived secrets. The lease signing key (Ed25519): given by the
// caller (env ROWSMITH_SIGNING_KEY, PKCS#8 PEM), or generated once and kept in the
// database so every server process sharing it signs with the same key. The vendor
// admin token: given by the caller (env ROWSMITH_ADMIN_TOKEN), or generated once,
// stored as a digest only, and handed back to be printed that one time. Never log either.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { LeaseSigner } from './context';
import type { LicensingDb } from './db/database';
import { keyIdOf, privateKeyFromPem, publicKeyPem, rawPublicKey } from './lease-signature';
import { hashToken, newToken } from './tokens';

const SIGNING_KEY = 'lease_signing_key';
const ADMIN_HASH = 'admin_token_hash';

async function settingOnce(
  ldb: LicensingDb,
  key: string,
  make: () => string,
): Promise<{ value: string; mine: boolean }> {
  const candidate = make();
  const inserted = await ldb.db
    .insertInto('server_settings')
    .values({ key, value: candidate })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { value: candidate, mine: true };
  const row = await ldb.db
    .selectFrom('server_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { value: row.value, mine: false };
}

export async function loadSigner(ldb: LicensingDb, given?: string | KeyObject): Promise<LeaseSigner> {
  let privateKey: KeyObject;
  if (given) {
    privateKey = typeof given === 'string' ? privateKeyFromPem(given) : given;
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new TypeError('the lease signing key must be Ed25519');
  } else {
    const existing = await ldb.db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', SIGNING_KEY)
      .executeTakeFirst();
    const pem =
      existing?.value ??
      (
        await settingOnce(ldb, SIGNING_KEY, () =>
          generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        )
      ).value;
    privateKey = privateKeyFromPem(pem);
  }
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  return { privateKey, publicKey: raw, publicKeyPem: publicKeyPem(publicKey), keyId: keyIdOf(raw) };
}

/** The admin token's digest, and the token itself when this call generated it (print it once). */
export async function loadAdminToken(
  ldb: LicensingDb,
  given?: string,
): Promise<{ hash: string; generated: string | null }> {
  if (given) return { hash: hashToken(given), generated: null };
  let generated: string | null = null;
  const { value, mine } = await settingOnce(ldb, ADMIN_HASH, () => {
    generated = newToken('adm');
    return hashToken(generated);
  });
  return { hash: value, generated: mine ? generated : null };
}
