// The renderer's one door to the main process. Every component calls `call` (typed by
// the shared contract) and `subscribe`; failures always arrive as AppError so the UI can
// show the message and branch on the code. Never talks to anything but the bridge.
import type {
  Channel,
  ChannelInput,
  ChannelOutput,
  EventName,
  RowsmithBridge,
  ServerEvents,
} from '@shared/api';
import { AppError, deserializeError } from '@shared/errors';

let current: RowsmithBridge | null = null;

export function setBridge(bridge: RowsmithBridge): void {
  current = bridge;
}

export function bridge(): RowsmithBridge {
  if (!current) throw new AppError('not_available', 'The app is still starting.');
  return current;
}

export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  try {
    return await bridge().invoke(channel, input);
  } catch (error) {
    throw toAppError(error);
  }
}

export function subscribe<E extends EventName>(
  event: E,
  listener: (payload: ServerEvents[E]) => void,
): () => void {
  return bridge().on(event, listener);
}

// Electron wraps errors thrown by handlers as "Error invoking remote method 'x': AppError: msg".
const REMOTE_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as { code: unknown; message: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') {
      return deserializeError({ code: e.code, message: e.message.replace(REMOTE_PREFIX, '') });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('internal', message.replace(REMOTE_PREFIX, '') || 'Something went wrong');
}

/** The message to show a user for any failure. */
export const errorMessage = (error: unknown): string => toAppError(error).message;
