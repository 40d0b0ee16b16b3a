// Builds the licensing server: a Fastify instance over one database (SQLite or
// PostgreSQL), with per-token rate limiting, a body size limit, JSON-only bodies and
// one error shape `{ error, message }` (never a stack trace). Tests and the desktop
// app's embedded server run it in-process on port 0; src/server/main.ts runs it for
// `npm run server`. It keeps no state between requests other than the rate limiter's
// counters, so several processes can serve one PostgreSQL database.
import type { KeyObject } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { LICENSING_LIMITS } from '@shared/licensing';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Ctx } from './context';
import { type DatabaseConfig, openDatabase } from './db/database';
import { HttpError } from './errors';
import { ensureDemoOrg } from './orgs';
import { registerAdminRoutes } from './routes/admin-routes';
import { registerDeviceRoutes } from './routes/device-routes';
import { loadAdminToken, loadSigner } from './secrets';
import { bearerToken, hashToken } from './tokens';
import { registerUpdateRoutes } from './updates/update-routes';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LicensingServerOptions {
  database: DatabaseConfig;
  /** ms since the epoch; inject to move time in tests (default Date.now) */
  clock?: () => number;
  /** the vendor admin token; without it one is generated once and kept as a digest */
  adminToken?: string;
  /** Ed25519 private key (PKCS#8 PEM or KeyObject); without it one is generated once and kept in the database */
  signingKey?: string | KeyObject;
  /** Fastify's (pino) log level; default 'info' */
  logLevel?: LogLevel;
  /** Log every request (default true when logLevel is info or finer). */
  logRequests?: boolean;
  /** Where pino writes its JSON lines (default stdout); the desktop app passes its logger. */
  logStream?: { write(line: string): void };
  /** Per token (or per IP without one) and per window; `false` turns limiting off. */
  rateLimit?: false | { max?: number; timeWindowMs?: number; activateMax?: number };
  /** default 24 h */
  holdTtlMs?: number;
  /** default 3 days */
  leaseTtlMs?: number;
  /** default 1 MiB */
  bodyLimit?: number;
  /** trust X-Forwarded-For (behind a reverse proxy) */
  trustProxy?: boolean;
  /** Where auto-update release files are kept; without it the server has no /updates feed. */
  releasesDir?: string;
  /** the largest release file an upload may send (default 2 GiB) */
  maxReleaseFileBytes?: number;
}

export interface Licensing {
  ctx: Ctx;
  dialect: 'sqlite' | 'postgres';
  /** The admin token when this start generated it (print it once), else null. */
  generatedAdminToken: string | null;
  /** See ensureDemoOrg in ./orgs. */
  ensureDemoOrg(opts?: Parameters<typeof ensureDemoOrg>[1]): ReturnType<typeof ensureDemoOrg>;
}

export type LicensingServer = FastifyInstance & { licensing: Licensing };

export const DEFAULT_RATE_LIMIT = { max: 600, timeWindowMs: 60_000, activateMax: 30 } as const;

export async function createServer(opts: LicensingServerOptions): Promise<LicensingServer> {
  const logLevel = opts.logLevel ?? 'info';
  const app = Fastify({
    logger: { level: logLevel, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    logController: new LogController({
      disableRequestLogging: !(opts.logRequests ?? ['info', 'debug', 'trace'].includes(logLevel)),
    }),
    bodyLimit: opts.bodyLimit ?? LICENSING_LIMITS.maxBodyBytes,
    trustProxy: opts.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  const ldb = await openDatabase(opts.database, (error) =>
    app.log.error({ err: error }, 'database pool error'),
  );
  app.addHook('onClose', async () => ldb.close());
  try {
    const [signer, admin] = await Promise.all([
      loadSigner(ldb, opts.signingKey),
      loadAdminToken(ldb, opts.adminToken),
    ]);
    const ctx: Ctx = {
      ldb,
      now: opts.clock ?? Date.now,
      signer,
      holdTtlMs: opts.holdTtlMs ?? 24 * 3_600_000,
      leaseTtlMs: opts.leaseTtlMs ?? 3 * 86_400_000,
    };
    const licensing: Licensing = {
      ctx,
      dialect: ldb.dialect,
      generatedAdminToken: admin.generated,
      ensureDemoOrg: (demo) => ensureDemoOrg(ctx, demo),
    };
    app.decorate('licensing', licensing);

    installJsonParser(app);
    installErrorHandling(app);
    app.addHook('onSend', async (_request, reply) => {
      // Tokens and balances are private and change constantly (release files say otherwise).
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });

    const limits = opts.rateLimit === false ? null : { ...DEFAULT_RATE_LIMIT, ...opts.rateLimit };
    if (limits) {
      await app.register(rateLimit, {
        max: limits.max,
        timeWindow: limits.timeWindowMs,
        // One bucket per credential, keyed by its digest (the raw token is never a map key).
        keyGenerator: (request) => {
          const token = bearerToken(request.headers.authorization);
          return token ? `t:${hashToken(token)}` : `ip:${request.ip}`;
        },
        errorResponseBuilder: (_request, context) =>
          new HttpError(429, 'rate_limited', `too many requests; retry in ${context.after}`),
      });
    }
    registerDeviceRoutes(app, ctx, { activateMax: limits?.activateMax, windowMs: limits?.timeWindowMs });
    registerAdminRoutes(app, ctx, admin.hash);
    if (opts.releasesDir) {
      registerUpdateRoutes(app, ctx, admin.hash, {
        releasesDir: opts.releasesDir,
        maxFileBytes: opts.maxReleaseFileBytes,
      });
    }
    await app.ready();
    return app as unknown as LicensingServer;
  } catch (error) {
    await app.close();
    throw error;
  }
}

function installJsonParser(app: FastifyInstance): void {
  // Fastify's parser (which refuses __proto__ and constructor keys), except that an
  // empty body is no body: POST …/release needs none, whatever the Content-Type says.
  // Nothing but JSON is accepted (anything else is 415).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    json(request, text, done);
  });
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.status).send({ error: error.code, message: error.message, ...error.extra });
    }
    const status = error.statusCode ?? 500;
    const fail = (code: string, message: string, s = status) =>
      reply.status(s).send({ error: code, message });
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return fail(
          'payload_too_large',
          `the body is larger than ${LICENSING_LIMITS.maxBodyBytes} bytes`,
          413,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return fail('unsupported_media_type', 'send JSON with Content-Type: application/json', 415);
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return fail('invalid_request', 'the body is not valid JSON', 400);
    }
    if (status === 429) return fail('rate_limited', 'too many requests', 429);
    if (status >= 400 && status < 500) return fail('invalid_request', 'the request is not valid', status);
    const unavailable = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', 'SQLITE_BUSY'].includes(
      String(error.code),
    );
    request.log.error({ err: error }, 'request failed');
    if (unavailable) return fail('unavailable', 'the licensing database is unavailable; retry shortly', 503);
    return fail('internal', 'internal error', 500);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    reply
      .status(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${path.slice(0, 200)}` });
  });
}
