// The one interface every credit decision goes through: quote (price), hold (reserve
// before a run), capture (charge successful outcomes, idempotently, inside the same
// transaction as the results they pay for), release (give back what was not used).
// The local ledger implements it now; the licensing server's client will too.
import type { CreditStatus } from '@shared/enrichment';
import type { Connection } from '../workbook/database';

export interface Charge {
  /** Charging the same key twice charges once. */
  idempotencyKey: string;
  actionId: string;
  credits: number;
  /** units of the action this charge pays for (default 1): credits = units x the hold's price */
  units?: number;
}

/** A hold as the run spends it: its id, the credits reserved, and the price of one outcome. */
export interface HoldGrant {
  holdId: number;
  reserved: number;
  /** fixed when the hold was made, whatever the price list says later */
  unitPrice: number;
}

export interface CreditClient {
  status(): CreditStatus;
  price(actionId: string): number;
  /**
   * Reserves credits for up to `quantity` outcomes of `actionId` (quantity x price) for a
   * run; may reserve fewer whole units when the balance is short. `reserved` is in credits.
   */
  hold(runId: number, actionId: string, quantity: number): Promise<HoldGrant>;
  /** The hold of a run that was interrupted (crash, quit), to go on spending against it. */
  resumeHold(runId: number): (HoldGrant & { remaining: number }) | null;
  /** Charges outcomes against a hold, on `conn` inside the caller's transaction. Returns credits newly charged. */
  capture(conn: Connection, holdId: number, runId: number, charges: Charge[]): number;
  /** Gives back what the hold did not spend. */
  release(holdId: number): Promise<void>;
}
