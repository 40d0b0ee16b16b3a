// The one error type route code throws: an HTTP status, a snake_case code from the
// shared contract and a message fit for a user, plus optional extra fields (e.g. the
// balance on a 402). The error handler turns it into `{ error, message, ...extra }`.
// Never put stack traces, SQL or secrets in a message.
import type { LicensingErrorCode } from '@shared/licensing';
import type { ZodType } from 'zod';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: LicensingErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'invalid_request', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** Parses `value` with `schema` or throws a 400 naming the first problem and where it is. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
  throw badRequest(`${path}: ${issue?.message ?? 'invalid'}`);
}
