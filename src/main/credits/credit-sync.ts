// Drains the credit outbox to the licensing server, in order, whenever it can: captures
// of online holds, offline debits (POST /v1/sync, by sequence number) and releases; then
// refreshes the balance and keeps an offline lease on hand. Every call is idempotent, so
// a crash, a timeout or a duplicate send never charges twice; a row leaves the outbox
// only once the server has acknowledged it. When the server is out of reach it backs
// off (1 s, 2 s, 4 s … 60 s, with jitter) and tries again; meanwhile runs spend the lease.
import { LICENSING_LIMITS, type SyncEvent } from '@shared/licensing';
import { createLogger } from '../logger';
import type { Workbook } from '../workbook/database';
import { getSetting, setSetting } from '../workbook/settings';
import { LicensingError } from './licensing-api';
import type { ServerCredits } from './server-credits';

const log = createLogger('credit-sync');
const MAX_BACKOFF_MS = 60_000;
/** Even with nothing to send, the balance is refreshed this often (grants, renewals, other desktops). */
const REFRESH_MS = 60_000;
/** A lease is renewed when it has less than this left to live. */
const LEASE_RENEW_MS = 12 * 3_600_000;

interface OutboxRow {
  id: number;
  kind: 'capture' | 'debit' | 'release' | 'unpaid' | 'failed';
  hold_id: number;
  idempotency_key: string;
  action_id: string;
  quantity: number;
  credits: number;
  seq: number | null;
  lease_id: string | null;
}

export interface SyncOptions {
  /** credits to keep on hand for offline work (see defaultLeaseCredits) */
  leaseCredits?: (allowance: number, remaining: number) => number;
  random?: () => number;
}

export class CreditSync {
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly workbook: Workbook,
    private readonly credits: ServerCredits,
    private readonly opts: SyncOptions = {},
  ) {
    // New charges go out at once, unless the server is out of reach: then the backoff stands.
    credits.kick = () => {
      if (this.failures === 0) this.soon(0);
    };
  }

  start(): void {
    this.soon(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  /**
   * Sends what is waiting now, after any drain already under way; resolves when the
   * outbox is empty or the server is out of reach. Drains never overlap.
   */
  flush(): Promise<void> {
    this.chain = this.chain
      .then(() => this.drain())
      .catch((error) => {
        log.error('credit sync failed', error);
        this.soon(REFRESH_MS);
      });
    return this.chain;
  }

  private soon(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    try {
      await this.sendOutbox();
      this.credits.setBalance(await this.credits.api.balance());
      await this.ensureLease();
      this.failures = 0;
      this.credits.lastSyncAt = Date.now();
      this.credits.markOnline();
      this.credits.changed();
      this.soon(REFRESH_MS);
    } catch (error) {
      if (!(error instanceof LicensingError) || !error.transient) throw error;
      this.credits.markOffline(error.message);
      this.failures++;
      const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (this.failures - 1));
      this.soon(Math.round(ceiling / 2 + ((this.opts.random ?? Math.random)() * ceiling) / 2));
    }
  }

  private async sendOutbox(): Promise<void> {
    const conn = this.workbook.conn;
    for (;;) {
      const row = conn
        .prepare(
          "SELECT * FROM credit_outbox WHERE kind IN ('capture', 'debit', 'release') ORDER BY id LIMIT 1",
        )
        .get() as OutboxRow | undefined;
      if (!row) return;
      if (row.kind === 'debit') await this.sendDebits(row.lease_id as string);
      else if (row.kind === 'capture') await this.sendCapture(row);
      else await this.sendRelease(row);
    }
  }

  private async sendCapture(row: OutboxRow): Promise<void> {
    const hold = this.serverHoldId(row.hold_id);
    try {
      await this.credits.api.capture(hold, row.idempotency_key, row.quantity);
      this.done(row.id);
    } catch (error) {
      if (!(error instanceof LicensingError) || error.transient) throw error;
      if (error.code === 'hold_closed' || error.code === 'hold_exceeded' || error.code === 'not_found') {
        // The hold ended before we could tell the server (offline past its time to live):
        // charge the outcomes directly, with the same key, so it still counts once.
        await this.consumeInstead(row);
        return;
      }
      this.park(row, 'failed', error.message);
    }
  }

  private async consumeInstead(row: OutboxRow): Promise<void> {
    try {
      await this.credits.api.consume(row.idempotency_key, row.action_id, row.quantity);
      this.done(row.id);
    } catch (error) {
      if (!(error instanceof LicensingError) || error.transient) throw error;
      // Results were delivered that the period can no longer pay for: kept, and said.
      this.park(row, 'unpaid', error.message);
    }
  }

  private async sendRelease(row: OutboxRow): Promise<void> {
    try {
      await this.credits.api.release(this.serverHoldId(row.hold_id));
      this.done(row.id);
    } catch (error) {
      if (!(error instanceof LicensingError) || error.transient) throw error;
      this.done(row.id); // already closed or expired: nothing left to give back
    }
  }

  /** Every queued offline debit of one lease, in sequence order, in batches. */
  private async sendDebits(leaseId: string): Promise<void> {
    const conn = this.workbook.conn;
    const rows = conn
      .prepare("SELECT * FROM credit_outbox WHERE kind = 'debit' AND lease_id = ? ORDER BY seq LIMIT ?")
      .all(leaseId, LICENSING_LIMITS.maxSyncEvents) as OutboxRow[];
    const events: SyncEvent[] = rows.map((r) => ({
      seq: r.seq as number,
      idempotencyKey: r.idempotency_key,
      action: r.action_id,
      quantity: r.quantity,
      at: new Date().toISOString(),
    }));
    const answer = await this.credits.api.sync(leaseId, events);
    const rejected = new Map(answer.rejected.map((r) => [r.seq, r.reason]));
    conn.transaction(() => {
      for (const r of rows) {
        if ((r.seq as number) > answer.ackedThrough && !rejected.has(r.seq as number)) continue;
        const reason = rejected.get(r.seq as number);
        if (reason) this.park(r, 'unpaid', `refused by the server: ${reason}`);
        else this.done(r.id);
      }
    })();
    this.credits.setBalance(answer.balance);
    if (rows.every((r) => (r.seq as number) > answer.ackedThrough && !rejected.has(r.seq as number))) {
      // The server waits for an earlier sequence number it never got: nothing can move.
      throw new LicensingError(
        0,
        'sync_gap',
        `The server has acknowledged through ${answer.ackedThrough} only.`,
      );
    }
  }

  private async ensureLease(): Promise<void> {
    const current = this.credits.validLease();
    const balance = this.credits.balance;
    if (!balance) return;
    const fresh =
      current &&
      Date.parse(current.lease.expiresAt) - Date.now() > LEASE_RENEW_MS &&
      this.credits.leaseAvailable() > 0;
    if (fresh) return;
    const allowance = balance.allowance + balance.granted;
    const wanted = (this.opts.leaseCredits ?? defaultLeaseCredits)(allowance, balance.remaining);
    if (wanted <= 0 || balance.remaining <= 0) return;
    const n = Number(getSetting(this.workbook.conn, 'licensing.leases') ?? 0);
    const key = `${this.credits.identity.deviceId}:lease:${n + 1}`;
    const answer = await this.credits.api.lease(key, Math.min(wanted, balance.remaining));
    this.credits.storeLease({ lease: answer.lease, signature: answer.signature });
    setSetting(this.workbook.conn, 'licensing.leases', String(n + 1));
  }

  private serverHoldId(holdId: number): string {
    return this.workbook.conn
      .prepare('SELECT server_hold_id FROM server_holds WHERE id = ?')
      .pluck()
      .get(holdId) as string;
  }

  private done(id: number): void {
    this.workbook.conn.prepare('DELETE FROM credit_outbox WHERE id = ?').run(id);
  }

  /** Out of the queue for good, kept for the audit with its reason. */
  private park(row: OutboxRow, kind: 'unpaid' | 'failed', reason: string): void {
    log.warn(`credit outbox entry ${row.id} (${row.kind}) parked as ${kind}: ${reason}`);
    this.workbook.conn
      .prepare('UPDATE credit_outbox SET kind = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?')
      .run(kind, reason, row.id);
  }
}

/**
 * Enough for a while offline, never a large share of what the team has left: 5% of the
 * allowance, at most a quarter of what remains, at most 2,000.
 */
export const defaultLeaseCredits = (allowance: number, remaining: number): number =>
  Math.min(2_000, Math.round(allowance * 0.05), Math.floor(remaining / 4));
