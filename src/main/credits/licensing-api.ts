// The desktop's HTTP client of the licensing server's /v1 contract (src/shared/licensing.ts):
// one function per call, each response checked against its schema, every failure a
// LicensingError that says whether the server answered (status, code) or could not be
// reached at all (offline). Never logs tokens or bodies.
import {
  type ActivateResponse,
  activateResponseSchema,
  type BalanceResponse,
  balanceResponseSchema,
  type CapacityRequestView,
  type CaptureResponse,
  type ConsumeResponse,
  type CreateHoldResponse,
  capacityRequestViewSchema,
  captureResponseSchema,
  consumeResponseSchema,
  createHoldResponseSchema,
  type LeaseResponse,
  leaseResponseSchema,
  type MeResponse,
  meResponseSchema,
  type PublicKeyResponse,
  publicKeyResponseSchema,
  type ReleaseResponse,
  releaseResponseSchema,
  type SyncEvent,
  type SyncResponse,
  syncResponseSchema,
} from '@shared/licensing';
import type { z } from 'zod';

const TIMEOUT_MS = 15_000;

export class LicensingError extends Error {
  override readonly name = 'LicensingError';
  constructor(
    /** 0 when the server could not be reached */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> | null = null,
  ) {
    super(message);
  }

  /** No answer (network, timeout) or a server-side failure: worth trying again later. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export class LicensingApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: () => string | null,
  ) {}

  activate(licenseKey: string, deviceName: string, userEmail: string): Promise<ActivateResponse> {
    return this.call(
      'POST',
      '/v1/activate',
      activateResponseSchema,
      { licenseKey, deviceName, userEmail },
      false,
    );
  }
  me(): Promise<MeResponse> {
    return this.call('GET', '/v1/me', meResponseSchema);
  }
  publicKey(): Promise<PublicKeyResponse> {
    return this.call('GET', '/v1/public-key', publicKeyResponseSchema, undefined, false);
  }
  balance(): Promise<BalanceResponse> {
    return this.call('GET', '/v1/balance', balanceResponseSchema);
  }
  createHold(idempotencyKey: string, action: string, quantity: number): Promise<CreateHoldResponse> {
    return this.call('POST', '/v1/holds', createHoldResponseSchema, { idempotencyKey, action, quantity });
  }
  capture(holdId: string, idempotencyKey: string, quantity: number): Promise<CaptureResponse> {
    return this.call('POST', `/v1/holds/${encodeURIComponent(holdId)}/capture`, captureResponseSchema, {
      idempotencyKey,
      quantity,
    });
  }
  release(holdId: string): Promise<ReleaseResponse> {
    return this.call('POST', `/v1/holds/${encodeURIComponent(holdId)}/release`, releaseResponseSchema, {});
  }
  consume(idempotencyKey: string, action: string, quantity: number): Promise<ConsumeResponse> {
    return this.call('POST', '/v1/consume', consumeResponseSchema, { idempotencyKey, action, quantity });
  }
  lease(idempotencyKey: string, credits: number): Promise<LeaseResponse> {
    return this.call('POST', '/v1/leases', leaseResponseSchema, { idempotencyKey, credits });
  }
  sync(leaseId: string, events: SyncEvent[]): Promise<SyncResponse> {
    return this.call('POST', '/v1/sync', syncResponseSchema, { leaseId, events });
  }
  capacityRequest(
    message: string,
    credits: number | undefined,
    idempotencyKey: string,
  ): Promise<CapacityRequestView> {
    return this.call('POST', '/v1/capacity-requests', capacityRequestViewSchema, {
      message,
      idempotencyKey,
      ...(credits ? { credits } : {}),
    });
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
    auth = true,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) {
      const token = this.token();
      if (!token)
        throw new LicensingError(
          401,
          'not_activated',
          'This workbook is not connected to a licensing server.',
        );
      headers.authorization = `Bearer ${token}`;
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new LicensingError(0, 'unreachable', `The licensing server cannot be reached (${reason}).`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // reported below
    }
    if (!response.ok) {
      const err = (json ?? {}) as Record<string, unknown>;
      throw new LicensingError(
        response.status,
        typeof err.error === 'string' ? err.error : 'http_error',
        typeof err.message === 'string'
          ? err.message
          : `The licensing server answered HTTP ${response.status}.`,
        json && typeof json === 'object' ? (json as Record<string, unknown>) : null,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new LicensingError(
        502,
        'bad_response',
        `The licensing server sent an unexpected answer to ${path}.`,
      );
    }
    return parsed.data;
  }
}
