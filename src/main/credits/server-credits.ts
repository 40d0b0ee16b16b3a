// The credit client backed by the licensing server. A run holds credits on the server
// (or, offline, against this workbook's signed lease); each batch of successful outcomes
// is charged locally by row key — so no row is ever charged twice — and queued in the
// outbox inside the same transaction as the results it pays for; the syncer (credit-
// sync.ts) then tells the server, idempotently, whenever it can be reached. The server
// stays the authority: nothing here can spend more than a hold or a lease reserved.
import { randomUUID } from 'node:crypto';
import type { CreditStatus } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { BalanceResponse, LeasePayload } from '@shared/licensing';
import { verifyLease } from '../../server/lease-signature';
import { createLogger } from '../logger';
import type { Connection, Workbook } from '../workbook/database';
import { getJsonSetting, getSetting, setJsonSetting, setSetting } from '../workbook/settings';
import {
  type Charge,
  type CreditClient,
  type HoldGrant,
  type HoldOwner,
  ownerLabel,
  ownerRowId,
} from './credit-client';
import { type LicensingApi, LicensingError } from './licensing-api';

const log = createLogger('credits');

export interface DeviceIdentity {
  serverUrl: string;
  deviceId: string;
  orgId: string;
  orgName: string;
  /** the server's Ed25519 public key (raw, base64), pinned at activation */
  publicKey: string;
  embedded: boolean;
}

export interface StoredLease {
  lease: LeasePayload;
  signature: string;
}

interface HoldRow {
  id: number;
  run_id: number;
  action_id: string;
  unit_price: number;
  reserved: number;
  captured: number;
  server_hold_id: string | null;
  lease_id: string | null;
  lease_reserved: number;
  lease_captured: number;
  status: string;
}

const BALANCE_KEY = 'licensing.balance';
const LEASE_KEY = 'licensing.lease';
const SEQ_KEY = 'licensing.seq';

export class ServerCredits implements CreditClient {
  private balanceCache: { balance: BalanceResponse; fetchedAt: number } | null;
  private leaseCache: StoredLease | null;
  online = true;
  lastError: string | null = null;
  lastSyncAt: number | null = null;
  private readonly listeners = new Set<() => void>();
  /** the syncer sets this: called after every commit that queued something for the server */
  kick: () => void = () => {};

  constructor(
    private readonly workbook: Workbook,
    readonly api: LicensingApi,
    readonly identity: DeviceIdentity,
    private readonly now: () => number = Date.now,
  ) {
    this.balanceCache = getJsonSetting(workbook.conn, BALANCE_KEY);
    this.leaseCache = getJsonSetting(workbook.conn, LEASE_KEY);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The syncer's news: a fresh balance, online again, or the server out of reach. */
  changed(): void {
    for (const l of this.listeners) l();
  }

  get balance(): BalanceResponse | null {
    return this.balanceCache?.balance ?? null;
  }

  setBalance(balance: BalanceResponse): void {
    this.balanceCache = { balance, fetchedAt: this.now() };
    setJsonSetting(this.workbook.conn, BALANCE_KEY, this.balanceCache);
  }

  price(actionId: string): number {
    return this.balance?.prices[actionId] ?? this.validLease()?.lease.prices[actionId] ?? 1;
  }

  status(): CreditStatus {
    const b = this.balance;
    const pending = this.workbook.conn
      .prepare("SELECT COALESCE(SUM(credits), 0) FROM credit_outbox WHERE kind IN ('capture', 'debit')")
      .pluck()
      .get() as number;
    const lease = this.validLease();
    return {
      allowance: b ? b.allowance + b.granted : 0,
      consumed: b ? b.consumed : 0,
      reserved: b ? b.reserved : 0,
      // This workbook's lease is its own to spend, online or not; offline, it is all there is.
      remaining: (this.online ? (b?.remaining ?? 0) : 0) + this.leaseAvailable(),
      periodStart: b?.periodStart ?? new Date(this.now()).toISOString(),
      periodEnd: b?.periodEnd ?? new Date(this.now()).toISOString(),
      source: 'server',
      online: this.online,
      pending,
      offlineAvailable: lease ? this.leaseAvailable() : 0,
      leaseExpiresAt: lease?.lease.expiresAt ?? null,
      lastSyncAt: this.lastSyncAt === null ? null : new Date(this.lastSyncAt).toISOString(),
      server: this.identity.embedded ? 'embedded' : this.identity.serverUrl,
      orgName: this.identity.orgName,
      lastError: this.lastError,
    };
  }

  async hold(owner: HoldOwner, actionId: string, quantity: number): Promise<HoldGrant> {
    const conn = this.workbook.conn;
    const runId = ownerRowId(owner);
    const price = this.price(actionId);
    if (quantity <= 0)
      return { holdId: this.insertHold(runId, actionId, price, 0), reserved: 0, unitPrice: price };
    const n =
      (conn.prepare('SELECT COUNT(*) FROM server_holds WHERE run_id = ?').pluck().get(runId) as number) + 1;
    // Stable for a retry of the same request (a crash between the server's answer and
    // our insert replays the same hold instead of leaking a second one).
    const key = `${this.identity.deviceId}:${ownerLabel(owner)}:hold:${n}`;
    try {
      const hold = await this.api.createHold(key, actionId, quantity);
      this.markOnline();
      if (this.balanceCache) this.setBalance({ ...this.balanceCache.balance, remaining: hold.remaining });
      const onServer = hold.status === 'active' ? hold.reserved - hold.captured : 0;
      const serverUnits = hold.unitPrice > 0 ? Math.floor(onServer / hold.unitPrice) : quantity;
      // The team's pool was short: top the run up from this workbook's own lease.
      const top =
        serverUnits < quantity ? this.leaseTopUp(actionId, hold.unitPrice, quantity - serverUnits) : null;
      const reserved = onServer + (top?.credits ?? 0);
      const holdId = this.insertHold(runId, actionId, hold.unitPrice, reserved, {
        serverHoldId: hold.status === 'active' ? hold.holdId : null,
        leaseId: top?.leaseId ?? null,
        leaseReserved: top?.credits ?? 0,
      });
      return { holdId, reserved, unitPrice: hold.unitPrice };
    } catch (error) {
      if (!(error instanceof LicensingError)) throw error;
      if (error.code === 'insufficient_credits') {
        // The shared pool is empty; what this workbook leased is still its own to spend.
        this.markOnline();
        return this.holdOnLease(runId, actionId, quantity);
      }
      if (!error.transient) throw new AppError('forbidden', error.message);
      this.markOffline(error.message);
      return this.holdOnLease(runId, actionId, quantity);
    }
  }

  resumeHold(owner: HoldOwner): (HoldGrant & { remaining: number }) | null {
    const row = this.workbook.conn
      .prepare(
        "SELECT id, reserved, unit_price, reserved - captured AS remaining FROM server_holds WHERE run_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
      )
      .get(ownerRowId(owner)) as
      | { id: number; reserved: number; unit_price: number; remaining: number }
      | undefined;
    return row
      ? { holdId: row.id, reserved: row.reserved, unitPrice: row.unit_price, remaining: row.remaining }
      : null;
  }

  capture(conn: Connection, holdId: number, owner: HoldOwner, charges: Charge[]): number {
    const hold = conn.prepare('SELECT * FROM server_holds WHERE id = ?').get(holdId) as HoldRow | undefined;
    if (!hold) throw new AppError('internal', `No hold ${holdId} for ${ownerLabel(owner)}.`);
    const runId = ownerRowId(owner);
    const period = (this.balance?.periodStart ?? new Date(this.now()).toISOString()).slice(0, 7);
    const insert = conn.prepare(
      'INSERT INTO credit_ledger (idempotency_key, action_id, credits, run_id, period) VALUES (?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING',
    );
    let units = 0;
    for (const charge of charges) {
      const n = charge.units ?? 1;
      if (n <= 0) continue;
      if (insert.run(charge.idempotencyKey, charge.actionId, n * hold.unit_price, runId, period).changes > 0)
        units += n;
    }
    if (units === 0) return 0;
    const credits = units * hold.unit_price;
    if (hold.captured + credits > hold.reserved) {
      // The executor never spends past its budget; if it did, the server would refuse it.
      throw new AppError('internal', `${ownerLabel(owner)} would capture more than its hold reserved.`);
    }
    // The server hold first, then the lease part (a hold may have both).
    const serverRoom = hold.server_hold_id
      ? hold.reserved - hold.lease_reserved - (hold.captured - hold.lease_captured)
      : 0;
    const serverUnits =
      hold.unit_price > 0 ? Math.min(units, Math.floor(serverRoom / hold.unit_price)) : units;
    const leaseUnits = units - serverUnits;
    if (serverUnits > 0) {
      conn
        .prepare(
          "INSERT INTO credit_outbox (kind, hold_id, idempotency_key, action_id, quantity, credits) VALUES ('capture', ?, ?, ?, ?, ?)",
        )
        .run(
          holdId,
          `${this.identity.deviceId}:cap:${randomUUID()}`,
          hold.action_id,
          serverUnits,
          serverUnits * hold.unit_price,
        );
    }
    if (leaseUnits > 0) {
      if (!hold.lease_id)
        throw new AppError('internal', `${ownerLabel(owner)} would capture past its server hold.`);
      const seq = nextSeq(conn);
      conn
        .prepare(
          "INSERT INTO credit_outbox (kind, hold_id, idempotency_key, action_id, quantity, credits, seq, lease_id) VALUES ('debit', ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(
          holdId,
          `${this.identity.deviceId}:debit:${seq}`,
          hold.action_id,
          leaseUnits,
          leaseUnits * hold.unit_price,
          seq,
          hold.lease_id,
        );
    }
    conn
      .prepare(
        'UPDATE server_holds SET captured = captured + ?, lease_captured = lease_captured + ? WHERE id = ?',
      )
      .run(credits, leaseUnits * hold.unit_price, holdId);
    // Told to the server once this transaction has committed.
    setImmediate(() => this.kick());
    return credits;
  }

  async release(holdId: number): Promise<void> {
    const conn = this.workbook.conn;
    conn
      .transaction(() => {
        const hold = conn.prepare('SELECT * FROM server_holds WHERE id = ?').get(holdId) as
          | HoldRow
          | undefined;
        if (hold?.status !== 'active') return;
        conn.prepare("UPDATE server_holds SET status = 'released' WHERE id = ?").run(holdId);
        if (hold.server_hold_id) {
          conn
            .prepare(
              "INSERT INTO credit_outbox (kind, hold_id, idempotency_key, action_id, quantity, credits) VALUES ('release', ?, ?, ?, 0, 0) ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .run(holdId, `${this.identity.deviceId}:release:${hold.server_hold_id}`, hold.action_id);
        }
      })
      .immediate();
    this.kick();
  }

  // ---- the offline lease ----

  /** The stored lease, if its signature checks out and it has not expired by our clock. */
  validLease(): StoredLease | null {
    const stored = this.leaseCache;
    if (!stored) return null;
    if (Date.parse(stored.lease.expiresAt) <= this.now()) return null;
    if (stored.lease.deviceId !== this.identity.deviceId) return null;
    return stored;
  }

  storeLease(stored: StoredLease): void {
    if (!verifyLease(stored.lease, stored.signature, this.identity.publicKey)) {
      throw new AppError('forbidden', 'The offline lease is not signed by this licensing server.');
    }
    this.leaseCache = stored;
    setJsonSetting(this.workbook.conn, LEASE_KEY, stored);
  }

  /** Credits the lease can still give: its credits minus what was spent or is held on it. */
  leaseAvailable(): number {
    const stored = this.validLease();
    if (!stored) return 0;
    const used = this.workbook.conn
      .prepare(
        "SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN MAX(lease_reserved, lease_captured) ELSE lease_captured END), 0) FROM server_holds WHERE lease_id = ?",
      )
      .pluck()
      .get(stored.lease.leaseId) as number;
    return Math.max(0, stored.lease.credits - used);
  }

  private holdOnLease(runId: number, actionId: string, quantity: number): HoldGrant {
    const conn = this.workbook.conn;
    return conn
      .transaction(() => {
        const price = this.validLease()?.lease.prices[actionId];
        const top = price === undefined ? null : this.leaseTopUp(actionId, price, quantity);
        if (price === undefined || !top) {
          log.warn('no usable offline lease: the run cannot spend');
          const unitPrice = this.price(actionId);
          return { holdId: this.insertHold(runId, actionId, unitPrice, 0), reserved: 0, unitPrice };
        }
        const holdId = this.insertHold(runId, actionId, price, top.credits, {
          leaseId: top.leaseId,
          leaseReserved: top.credits,
        });
        return { holdId, reserved: top.credits, unitPrice: price };
      })
      .immediate();
  }

  /** Up to `units` whole units at `price` from the lease, when it has them at that price. */
  private leaseTopUp(
    actionId: string,
    price: number,
    units: number,
  ): { leaseId: string; credits: number } | null {
    const stored = this.validLease();
    if (!stored || stored.lease.prices[actionId] !== price) return null;
    const fit = price > 0 ? Math.min(units, Math.floor(this.leaseAvailable() / price)) : units;
    return fit > 0 ? { leaseId: stored.lease.leaseId, credits: fit * price } : null;
  }

  private insertHold(
    runId: number,
    actionId: string,
    unitPrice: number,
    reserved: number,
    on: { serverHoldId?: string | null; leaseId?: string | null; leaseReserved?: number } = {},
  ): number {
    return Number(
      this.workbook.conn
        .prepare(
          'INSERT INTO server_holds (run_id, action_id, unit_price, reserved, server_hold_id, lease_id, lease_reserved) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          runId,
          actionId,
          unitPrice,
          reserved,
          on.serverHoldId ?? null,
          on.leaseId ?? null,
          on.leaseReserved ?? 0,
        ).lastInsertRowid,
    );
  }

  markOnline(): void {
    const was = this.online;
    this.online = true;
    this.lastError = null;
    if (!was) this.changed();
  }

  markOffline(reason: string): void {
    const was = this.online;
    this.online = false;
    this.lastError = reason;
    if (was) {
      log.warn(`licensing server out of reach: ${reason}`);
      this.changed();
    }
  }
}

function nextSeq(conn: Connection): number {
  const seq = Number(getSetting(conn, SEQ_KEY) ?? 0) + 1;
  setSetting(conn, SEQ_KEY, String(seq));
  return seq;
}
