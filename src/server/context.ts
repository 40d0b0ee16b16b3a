// What every service call needs: the database, the clock (injectable, so tests can
// walk across month ends and expiries), the lease signer and the time limits. Built
// once per server; it holds no per-organisation state, so servers scale out freely.
import type { KeyObject } from 'node:crypto';
import type { LicensingDb } from './db/database';

export interface LeaseSigner {
  privateKey: KeyObject;
  /** raw 32-byte key, base64 */
  publicKey: string;
  publicKeyPem: string;
  keyId: string;
}

export interface Ctx {
  ldb: LicensingDb;
  /** ms since the epoch */
  now(): number;
  signer: LeaseSigner;
  /** how long a hold lives at most (it also ends with its period) */
  holdTtlMs: number;
  /** how long an offline lease lives at most (it also ends with its period) */
  leaseTtlMs: number;
}

/** Who a device token belongs to, loaded fresh on every request. */
export interface DeviceAuth {
  deviceId: string;
  deviceName: string;
  userId: string;
  userEmail: string;
  orgId: string;
  orgName: string;
  orgStatus: 'active' | 'suspended';
  timeZone: string;
  ackedThrough: number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
