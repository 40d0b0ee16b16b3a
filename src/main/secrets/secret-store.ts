// Secrets of this user (device tokens, later providers' API keys), encrypted at rest in
// the user data folder, never in a workbook (a workbook may be shared) and never sent
// to the renderer. In Electron the key is protected by the OS keychain (safeStorage,
// passed in by the shell); elsewhere (web shell, CLI, tests) by a random key in a 0600
// file beside the secrets, which protects against a copied secrets file but not against
// someone who can read the user's files — the settings screen says so. Every value held
// here is also handed to the log redactor, so no log line ever carries one.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '@shared/errors';
import { redactor } from '../log/redact';

/** Encrypts the secrets file's content; Electron's safeStorage or a key file. */
export interface SecretCipher {
  readonly kind: 'os-keychain' | 'key-file';
  encrypt(plain: Buffer): Buffer;
  decrypt(data: Buffer): Buffer;
}

/** AES-256-GCM with a random key kept in a 0600 file. */
export function keyFileCipher(keyPath: string): SecretCipher {
  const key = (() => {
    if (existsSync(keyPath)) {
      const k = readFileSync(keyPath);
      if (k.length === 32) return k;
      throw new AppError('internal', `${keyPath} is not a secret key; move it away to start afresh.`);
    }
    mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
    const k = randomBytes(32);
    writeFileSync(keyPath, k, { mode: 0o600, flag: 'wx' });
    return k;
  })();
  return {
    kind: 'key-file',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
    },
  };
}

export class SecretStore {
  private cache: Record<string, string> | null = null;

  constructor(
    private readonly path: string,
    private readonly cipher: SecretCipher,
  ) {}

  static inFolder(userDataDir: string, cipher?: SecretCipher): SecretStore {
    return new SecretStore(
      join(userDataDir, 'secrets.bin'),
      cipher ?? keyFileCipher(join(userDataDir, 'secret.key')),
    );
  }

  /** How the secrets are protected, for the settings screen. */
  get protection(): SecretCipher['kind'] {
    return this.cipher.kind;
  }

  get(name: string): string | null {
    return this.read()[name] ?? null;
  }

  /** Every stored value, for the redactor that keeps them out of logs and diagnostics. */
  values(): string[] {
    return Object.values(this.read());
  }

  set(name: string, value: string | null): void {
    const all = { ...this.read() };
    if (value === null) delete all[name];
    else all[name] = value;
    const tmp = `${this.path}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, this.cipher.encrypt(Buffer.from(JSON.stringify(all), 'utf8')), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cache = all;
    // Whatever is kept here is never written to a log line.
    redactor.addSecrets([value]);
  }

  private read(): Record<string, string> {
    if (this.cache) return this.cache;
    if (!existsSync(this.path)) {
      this.cache = {};
      return this.cache;
    }
    try {
      this.cache = JSON.parse(this.cipher.decrypt(readFileSync(this.path)).toString('utf8')) as Record<
        string,
        string
      >;
      redactor.addSecrets(Object.values(this.cache));
    } catch {
      throw new AppError(
        'internal',
        'The saved secrets cannot be decrypted (the key changed?). Reconnect to the licensing server.',
      );
    }
    return this.cache;
  }
}
