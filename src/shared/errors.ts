// Errors cross IPC and HTTP as plain { name, code, message } and are rebuilt on the
// other side, so a renderer can show the message and branch on the code.

export type ErrorCode =
  | 'invalid_input'
  | 'unknown_channel'
  | 'not_found'
  | 'conflict'
  | 'invalid_value'
  | 'unsupported_file'
  | 'not_a_table'
  | 'file_too_large'
  | 'busy'
  | 'cancelled'
  | 'not_available'
  | 'forbidden'
  | 'internal';

export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) return { name: error.name, code: error.code, message: error.message };
  return {
    name: 'AppError',
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function deserializeError(data: unknown): AppError {
  const obj = (data ?? {}) as Partial<SerializedError>;
  return new AppError((obj.code as ErrorCode) ?? 'internal', obj.message ?? 'Unknown error');
}

export const isAppError = (error: unknown, code?: ErrorCode): error is AppError =>
  error instanceof AppError && (code === undefined || error.code === code);
