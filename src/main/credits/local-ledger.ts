// Credits kept in the workbook itself: a monthly allowance (calendar month, reset on the
// 1st, no rollover), holds and an append-only ledger with idempotency keys. It serves
// until the licensing server's client plugs in, and stays as its test double. It must
// never charge a key twice nor let holds and charges exceed the allowance.
import type { CreditStatus } from '@shared/enrichment';
import { DEFAULT_PRICES } from '../../server/prices';
import type { Connection, Workbook } from '../workbook/database';
import { getSetting, setSetting } from '../workbook/settings';
import { type Charge, type CreditClient, type HoldGrant, type HoldOwner, ownerRowId } from './credit-client';

export const DEFAULT_LOCAL_ALLOWANCE = 10_000;

export function periodOf(date: Date): { key: string; start: Date; end: Date } {
  const start = new Date(date.getFullYear(), date.getMonth(), 1);
  const end = new Date(date.getFullYear(), date.getMonth() + 1, 1);
  return { key: `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, '0')}`, start, end };
}

export class LocalLedger implements CreditClient {
  constructor(
    private readonly workbook: Workbook,
    private readonly now: () => Date = () => new Date(),
  ) {}

  price(actionId: string): number {
    // The server's default price list, so a workbook on its own charges what the server would.
    return DEFAULT_PRICES[actionId] ?? 1;
  }

  allowance(): number {
    const value = getSetting(this.workbook.conn, 'credits.allowance');
    return value === null ? DEFAULT_LOCAL_ALLOWANCE : Number(value);
  }

  setAllowance(credits: number): void {
    setSetting(this.workbook.conn, 'credits.allowance', String(credits));
  }

  status(): CreditStatus {
    const period = periodOf(this.now());
    const { consumed, reserved } = this.totals(this.workbook.conn, period.key);
    const allowance = this.allowance();
    return {
      allowance,
      consumed,
      reserved,
      remaining: Math.max(0, allowance - consumed - reserved),
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
      source: 'local',
    };
  }

  async hold(owner: HoldOwner, actionId: string, quantity: number): Promise<HoldGrant> {
    const conn = this.workbook.conn;
    const period = periodOf(this.now()).key;
    const price = this.price(actionId);
    return conn
      .transaction(() => {
        const { consumed, reserved } = this.totals(conn, period);
        const available = Math.max(0, this.allowance() - consumed - reserved);
        // Whole units only: a run never holds part of a row's price.
        const units = price > 0 ? Math.min(quantity, Math.floor(available / price)) : quantity;
        const amount = units * price;
        const info = conn
          .prepare(
            "INSERT INTO credit_holds (run_id, unit_price, credits, status, period) VALUES (?, ?, ?, 'active', ?)",
          )
          .run(ownerRowId(owner), price, amount, period);
        return { holdId: Number(info.lastInsertRowid), reserved: amount, unitPrice: price };
      })
      .immediate();
  }

  resumeHold(owner: HoldOwner): (HoldGrant & { remaining: number }) | null {
    const row = this.workbook.conn
      .prepare(
        "SELECT id, credits, unit_price, credits - captured AS remaining FROM credit_holds WHERE run_id = ? AND status = 'active'",
      )
      .get(ownerRowId(owner)) as
      | { id: number; credits: number; unit_price: number; remaining: number }
      | undefined;
    return row
      ? { holdId: row.id, reserved: row.credits, unitPrice: row.unit_price, remaining: row.remaining }
      : null;
  }

  capture(conn: Connection, holdId: number, owner: HoldOwner, charges: Charge[]): number {
    const period = periodOf(this.now()).key;
    const runId = ownerRowId(owner);
    const insert = conn.prepare(
      'INSERT INTO credit_ledger (idempotency_key, action_id, credits, run_id, period) VALUES (?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING',
    );
    let charged = 0;
    for (const charge of charges) {
      if (insert.run(charge.idempotencyKey, charge.actionId, charge.credits, runId, period).changes > 0)
        charged += charge.credits;
    }
    if (charged > 0)
      conn.prepare('UPDATE credit_holds SET captured = captured + ? WHERE id = ?').run(charged, holdId);
    return charged;
  }

  async release(holdId: number): Promise<void> {
    this.workbook.conn.prepare("UPDATE credit_holds SET status = 'released' WHERE id = ?").run(holdId);
  }

  private totals(conn: Connection, period: string): { consumed: number; reserved: number } {
    const consumed = conn
      .prepare('SELECT COALESCE(SUM(credits), 0) FROM credit_ledger WHERE period = ?')
      .pluck()
      .get(period) as number;
    // What active holds may still spend; what they already spent is in the ledger.
    const reserved = conn
      .prepare(
        "SELECT COALESCE(SUM(MAX(credits - captured, 0)), 0) FROM credit_holds WHERE status = 'active' AND period = ?",
      )
      .pluck()
      .get(period) as number;
    return { consumed, reserved };
  }
}
