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

/**
 * Who a hold is for: a column's run, or an import that charges per row (Import from
 * LinkedIn). Each kind is its own namespace, so an import's hold never meets a run's.
 */
export type HoldOwner = { kind: 'run' | 'import'; id: number };

/** How an owner is kept in the workbook's run_id columns: a run as its id, an import negated. */
export const ownerRowId = (owner: HoldOwner): number => (owner.kind === 'run' ? owner.id : -owner.id);

/** How an owner is named in messages and in the server's idempotency keys: "run:12", "import:3". */
export const ownerLabel = (owner: HoldOwner): string => `${owner.kind}:${owner.id}`;

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
   * run or an import; may reserve fewer whole units when the balance is short. `reserved`
   * is in credits.
   */
  hold(owner: HoldOwner, actionId: string, quantity: number): Promise<HoldGrant>;
  /** The hold of a run that was interrupted (crash, quit), to go on spending against it. */
  resumeHold(owner: HoldOwner): (HoldGrant & { remaining: number }) | null;
  /** Charges outcomes against a hold, on `conn` inside the caller's transaction. Returns credits newly charged. */
  capture(conn: Connection, holdId: number, owner: HoldOwner, charges: Charge[]): number;
  /** Gives back what the hold did not spend. */
  release(holdId: number): Promise<void>;
}
