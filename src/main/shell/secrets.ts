// The OS keychain for the secret store: Electron's safeStorage (Keychain on macOS, DPAPI
// on Windows, libsecret/kwallet on Linux). Where it is not available the app falls back
// to the key-file cipher, which the settings screen reports as weaker.
import { safeStorage } from 'electron';
import type { SecretCipher } from '../secrets/secret-store';

export function safeStorageCipher(): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    kind: 'os-keychain',
    encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
    decrypt: (data) => Buffer.from(safeStorage.decryptString(data), 'base64'),
  };
}
