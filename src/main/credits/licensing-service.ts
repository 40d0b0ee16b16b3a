// Which licensing server this workbook's credits go through, and the connection to it:
// by default an embedded server (the real licensing server, on SQLite in the user data
// folder, on a loopback port) with a demo organisation, so the app works out of the
// box; or a remote server the user connects to with a license key. Each workbook is its
// own device on the server (its own offline lease and sequence numbers). The device
// token lives in the encrypted secret store, never in the workbook nor the renderer.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CreditStatus } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import { createLogger, type Logger } from '../logger';
import type { SecretStore } from '../secrets/secret-store';
import type { Workbook } from '../workbook/database';
import { getJsonSetting, getSetting, setJsonSetting, setSetting } from '../workbook/settings';
import type { CreditClient, HoldGrant, HoldOwner } from './credit-client';
import { CreditSync, type SyncOptions } from './credit-sync';
import { LicensingApi, LicensingError } from './licensing-api';
import { type DeviceIdentity, ServerCredits } from './server-credits';

const log = createLogger('licensing');

export type LicensingMode = { mode: 'embedded' } | { mode: 'remote'; serverUrl: string };

export interface ConnectedCredits {
  client: ServerCredits;
  sync: CreditSync;
  close(): Promise<void>;
}

interface EmbeddedServer {
  url: string;
  licenseKey: string;
  close(): Promise<void>;
}

export function readLicensingMode(userDataDir: string): LicensingMode {
  const file = join(userDataDir, 'licensing.json');
  if (!existsSync(file)) return { mode: 'embedded' };
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as LicensingMode;
    if (value.mode === 'remote' && typeof value.serverUrl === 'string') return value;
  } catch (error) {
    log.warn('licensing.json is unreadable; using the embedded server', error);
  }
  return { mode: 'embedded' };
}

/** Whether the user has chosen a server or the demo yet (both write licensing.json). */
export function licensingChosen(userDataDir: string): boolean {
  return existsSync(join(userDataDir, 'licensing.json'));
}

export function writeLicensingMode(userDataDir: string, mode: LicensingMode): void {
  writeFileSync(join(userDataDir, 'licensing.json'), `${JSON.stringify(mode, null, 2)}\n`, { mode: 0o600 });
}

/** The embedded licensing server: the same server code, on a SQLite file, on 127.0.0.1. */
async function startEmbedded(userDataDir: string, secrets: SecretStore): Promise<EmbeddedServer> {
  // Loaded on demand: the CLI and tests that use the local ledger never load Fastify.
  const { createServer } = await import('../../server/server');
  const server = await createServer({
    database: { kind: 'sqlite', path: join(userDataDir, 'licensing', 'licensing.sqlite') },
    logLevel: 'warn',
    logStream: pinoToLogger(createLogger('licensing-server')),
    rateLimit: false,
  });
  // ROWSMITH_DEMO_CREDITS sets the demo organisation's monthly allowance when it is created.
  const demoCredits = Number(process.env.ROWSMITH_DEMO_CREDITS);
  const demo = await server.licensing.ensureDemoOrg({
    licenseKey: secrets.get('embedded.licenseKey') ?? undefined,
    ...(Number.isInteger(demoCredits) && demoCredits >= 0 ? { monthlyAllowance: demoCredits } : {}),
  });
  if (secrets.get('embedded.licenseKey') !== demo.licenseKey)
    secrets.set('embedded.licenseKey', demo.licenseKey);
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, licenseKey: demo.licenseKey, close: () => server.close() };
}

/** The embedded server's pino JSON lines, into the app's one logger (and so its log file). */
export function pinoToLogger(logger: Logger): { write(line: string): void } {
  return {
    write(line) {
      let entry: { level?: number; msg?: string; err?: unknown; [key: string]: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        logger.warn(line.trim());
        return;
      }
      const { level = 30, msg = '', err } = entry;
      const method = level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug';
      logger[method](msg, err);
    },
  };
}

const workbookDeviceId = (workbook: Workbook): string => {
  const existing = getSetting(workbook.conn, 'workbook.id');
  if (existing) return existing;
  const id = randomUUID();
  setSetting(workbook.conn, 'workbook.id', id);
  return id;
};

const tokenName = (serverKey: string, workbookId: string) => `licensing:${serverKey}:${workbookId}`;

function readIdentity(workbook: Workbook): DeviceIdentity | null {
  return getJsonSetting<DeviceIdentity>(workbook.conn, 'licensing.identity');
}

function writeIdentity(workbook: Workbook, identity: DeviceIdentity): void {
  setJsonSetting(workbook.conn, 'licensing.identity', identity);
}

/** Activates this workbook as a device of the organisation behind `licenseKey`. */
async function activate(
  workbook: Workbook,
  secrets: SecretStore,
  baseUrl: string,
  serverKey: string,
  licenseKey: string,
  userEmail: string,
  embedded: boolean,
): Promise<{ identity: DeviceIdentity; token: string }> {
  const workbookId = workbookDeviceId(workbook);
  let token: string | null = null;
  const api = new LicensingApi(baseUrl, () => token);
  const deviceName = `${hostname()} · ${workbook.path.split(/[\\/]/).pop() ?? 'workbook'}`;
  token = (await api.activate(licenseKey, deviceName.slice(0, 200), userEmail)).deviceToken;
  const [me, key] = await Promise.all([api.me(), api.publicKey()]);
  const identity: DeviceIdentity = {
    serverUrl: serverKey,
    deviceId: me.deviceId,
    orgId: me.orgId,
    orgName: me.orgName,
    publicKey: key.publicKey,
    embedded,
  };
  secrets.set(tokenName(serverKey, workbookId), token);
  writeIdentity(workbook, identity);
  return { identity, token };
}

/**
 * Connects the workbook's credits to the configured server, activating it on first
 * use. Offline (a remote server out of reach) it still starts, on the cached balance
 * and lease, and syncs when the server is back.
 */
export async function connectCredits(opts: {
  workbook: Workbook;
  userDataDir: string;
  secrets: SecretStore;
  mode: LicensingMode;
  sync?: SyncOptions;
}): Promise<ConnectedCredits> {
  const { workbook, secrets, mode } = opts;
  const embedded = mode.mode === 'embedded' ? await startEmbedded(opts.userDataDir, secrets) : null;
  const baseUrl = embedded ? embedded.url : (mode as { serverUrl: string }).serverUrl;
  const serverKey = embedded ? 'embedded' : baseUrl;
  const workbookId = workbookDeviceId(workbook);
  let identity = readIdentity(workbook);
  let token = secrets.get(tokenName(serverKey, workbookId));
  if (!identity || identity.serverUrl !== serverKey || !token) {
    if (!embedded) {
      throw new AppError(
        'forbidden',
        `This workbook is not activated on ${baseUrl}; connect it with a license key.`,
      );
    }
    ({ identity, token } = await activate(
      workbook,
      secrets,
      baseUrl,
      serverKey,
      embedded.licenseKey,
      'you@rowsmith.local',
      true,
    ));
  }
  const currentToken = token;
  const client = new ServerCredits(workbook, new LicensingApi(baseUrl, () => currentToken), identity);
  const sync = new CreditSync(workbook, client, opts.sync);
  // First balance, lease and outbox. The embedded server answers at once; a remote one
  // out of reach must not hold the app's start-up for a request timeout: after 2 s the
  // app starts on its cached balance and lease, and the sync goes on behind.
  const first = sync.flush();
  if (embedded) await first;
  else await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  sync.start();
  return {
    client,
    sync,
    async close() {
      // One last try to tell the server what was spent; what it cannot take waits in the outbox.
      await sync.flush();
      await sync.stop();
      await embedded?.close();
    },
  };
}

/** Connects this workbook to a remote server with a license key (settings screen). */
export async function activateRemote(opts: {
  workbook: Workbook;
  userDataDir: string;
  secrets: SecretStore;
  serverUrl: string;
  licenseKey: string;
  userEmail: string;
}): Promise<DeviceIdentity> {
  let url: URL;
  try {
    url = new URL(opts.serverUrl);
  } catch {
    throw new AppError(
      'invalid_input',
      'Enter the licensing server’s address, e.g. https://licensing.example.com.',
    );
  }
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new AppError('invalid_input', 'A remote licensing server must use https://.');
  }
  const base = url.origin;
  try {
    const { identity } = await activate(
      opts.workbook,
      opts.secrets,
      base,
      base,
      opts.licenseKey,
      opts.userEmail,
      false,
    );
    writeLicensingMode(opts.userDataDir, { mode: 'remote', serverUrl: base });
    return identity;
  } catch (error) {
    if (error instanceof LicensingError) {
      throw new AppError(error.status === 0 ? 'not_available' : 'forbidden', error.message);
    }
    throw error;
  }
}

/**
 * The credit client the engine holds: it delegates to the current one, so the app can
 * switch servers (settings) without rebuilding the engine, when no run is going.
 */
export class SwitchableCredits implements CreditClient {
  constructor(public current: CreditClient) {}
  status(): CreditStatus {
    return this.current.status();
  }
  price(actionId: string): number {
    return this.current.price(actionId);
  }
  hold(owner: HoldOwner, actionId: string, quantity: number): Promise<HoldGrant> {
    return this.current.hold(owner, actionId, quantity);
  }
  resumeHold(owner: HoldOwner): (HoldGrant & { remaining: number }) | null {
    return this.current.resumeHold(owner);
  }
  capture(...args: Parameters<CreditClient['capture']>) {
    return this.current.capture(...args);
  }
  release(holdId: number) {
    return this.current.release(holdId);
  }
}

/** "Request more credits": a capacity request to the vendor, through the connected server. */
export async function requestCapacity(
  connected: ConnectedCredits | null,
  input: { credits?: number; message: string },
): Promise<{ requested: true }> {
  if (!connected) {
    throw new AppError('not_available', 'Credits are kept in this workbook only; there is no vendor to ask.');
  }
  try {
    await connected.client.api.capacityRequest(input.message, input.credits, `capacity:${randomUUID()}`);
    return { requested: true };
  } catch (error) {
    if (error instanceof LicensingError) {
      throw new AppError(
        error.status === 0 ? 'not_available' : 'forbidden',
        error.status === 0 ? 'The licensing server cannot be reached; try again when online.' : error.message,
      );
    }
    throw error;
  }
}
