// The one handler map behind every caller: the Electron shell registers it with
// ipcMain, the web shell serves it over HTTP, the CLI calls it directly. Each handler
// validates its input with the channel's zod schema before any logic runs, and every
// failure leaves as an AppError. Never trusts input that has not been parsed here.
import { type Channel, type ChannelOutput, type ChannelParsedInput, channels, isChannel } from '@shared/api';
import { AppError } from '@shared/errors';
import type { ZodType } from 'zod';

export type HandlerImpl = {
  [C in Channel]: (input: ChannelParsedInput<C>) => Promise<ChannelOutput<C>>;
};

/** Validated handlers: they take unknown input and throw AppError('invalid_input') on bad input. */
export type HandlerMap = {
  [C in Channel]: (input: unknown) => Promise<ChannelOutput<C>>;
};

export function createHandlerMap(impl: HandlerImpl): HandlerMap {
  const map = {} as Record<Channel, (input: unknown) => Promise<unknown>>;
  for (const channel of Object.keys(channels) as Channel[]) {
    const schema = channels[channel].input as ZodType;
    const handler = impl[channel] as (input: unknown) => Promise<unknown>;
    map[channel] = async (input: unknown) => handler(parseInput(channel, schema, input));
  }
  return map as HandlerMap;
}

function parseInput(channel: Channel, schema: ZodType, input: unknown): unknown {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new AppError('invalid_input', `${channel}: ${issue?.message ?? 'invalid input'}${where}`);
}

/** Calls a channel by name, for callers that received the name from outside (IPC, HTTP). */
export async function dispatch(map: HandlerMap, channel: unknown, input: unknown): Promise<unknown> {
  if (!isChannel(channel)) throw new AppError('unknown_channel', `Unknown channel: ${String(channel)}`);
  return map[channel](input);
}
