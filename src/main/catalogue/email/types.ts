// What an email check concludes, shared by the Verify email action, the finder's
// "verify before accepting" step and the pattern finder. No I/O here.

export type EmailStatus = 'valid' | 'invalid' | 'catch_all' | 'unknown';

export interface EmailVerdict {
  status: EmailStatus;
  /** one sentence for the cell and the audit: why this status */
  reason: string;
  /** the address as checked (trimmed, domain in ASCII) or null when it is not an address */
  address: string | null;
  /** which check decided: syntax, dns, smtp, or a verification API's provider id */
  method: string;
  disposable: boolean;
  role: boolean;
  /** the mail exchanger the probe spoke to, when one did */
  mx: string | null;
  /**
   * Whether the verdict came from the network (MX, SMTP or an API). Verdicts decided on
   * this machine alone (empty, bad syntax) and "unknown" are not charged.
   */
  checked: boolean;
}
