// What a verification API adapter gives the verifier: one address in, a status with the
// provider's own reason out. Adapters throw CallErrors (from requestJson, or their own
// for errors a provider reports inside a 200 body) so the engine retries or fails the
// cell; they never put the key into a message.
import { CallError } from '../../engine/scheduler';
import type { ProviderAdapter, ProviderCall } from '../providers';
import type { EmailStatus } from './types';

export interface ApiVerdict {
  status: EmailStatus;
  reason: string;
  /** the provider says the address is disposable / a role inbox (OR-ed with our own flags) */
  disposable: boolean;
  role: boolean;
  mx: string | null;
  /** the provider's response body, for the cell audit */
  raw: string;
}

export interface VerificationApi extends ProviderAdapter {
  verify(address: string, call: ProviderCall, signal: AbortSignal): Promise<ApiVerdict>;
}

/** A 404 from a verification endpoint is not "not found": the base URL is wrong. */
export function unexpected404(provider: ProviderAdapter, text: string): CallError {
  return new CallError('http', `${provider.name} answered 404: check its base URL.`, {
    status: 404,
    retryable: false,
    body: text.slice(0, 300),
  });
}

export function garbage(provider: ProviderAdapter, text: string, what: string): CallError {
  return new CallError('invalid_response', `${provider.name} sent a response without ${what}.`, {
    retryable: false,
    body: text.slice(0, 300),
  });
}
