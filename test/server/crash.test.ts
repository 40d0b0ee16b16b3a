// The server killed (SIGKILL) in the middle of a sync loses nothing and counts nothing
// twice: a real server process takes an outbox of offline events in batches, is killed
// while a batch is in flight — several times, at different moments — and restarted on
// the same database; the client resends everything not acknowledged, and consumed is
// exactly what the device spent. Both dialects.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';
import { ADMIN_TOKEN, Client, describeDialects, key } from './helpers/harness';
import { createPgDatabase, type PgDatabase } from './helpers/postgres';
import { buildServerBundle, type ServerProcess, spawnServer } from './helpers/processes';

const BATCHES = 24;
const BATCH = 500;

describeDialects('crash mid-sync', (dialect) => {
  let bundle: { file: string; remove(): void };
  let env: Record<string, string>;
  let cleanup: () => Promise<void> | void = () => {};
  beforeAll(async () => {
    bundle = await buildServerBundle();
    env = { ROWSMITH_ADMIN_TOKEN: ADMIN_TOKEN, ROWSMITH_RATE_LIMIT: '0' };
    if (dialect === 'postgres') {
      const db: PgDatabase = await createPgDatabase();
      env.DATABASE_URL = db.url;
      cleanup = () => db.drop();
    } else {
      const dir = tempDir('rowsmith-crash-');
      env.ROWSMITH_SERVER_DB = `${dir.path}/licensing.sqlite`;
      cleanup = () => dir.cleanup();
    }
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await cleanup();
  });

  it('SIGKILL while batches are in flight, restart, resync: consumed is exact', async () => {
    let server: ServerProcess = await spawnServer(bundle.file, env);
    try {
      const admin = new Client(server.url, ADMIN_TOKEN);
      const org = (await admin.post('/v1/admin/orgs', { name: 'Crash', monthlyAllowance: 100_000 })).body;
      const token = (
        await new Client(server.url).post('/v1/activate', {
          licenseKey: org.licenseKey,
          deviceName: 'd',
          userEmail: 'd@x.io',
        })
      ).body.deviceToken as string;
      let device = new Client(server.url, token);
      const lease = (await device.post('/v1/leases', { credits: 50_000 })).body.lease;
      const at = new Date().toISOString();
      const outbox = Array.from({ length: BATCHES * BATCH }, (_, i) => ({
        seq: i + 1,
        idempotencyKey: key('crash'),
        action: i % 2 ? 'email.verify' : 'person.email.find',
        quantity: 1,
        at,
      }));
      const spent = outbox.reduce((sum, e) => sum + (e.action === 'email.verify' ? 1 : 3), 0);

      let acked = 0;
      let interrupted = 0;
      const syncFrom = async (from: number, batches: number) => {
        for (let b = 0; b < batches && from < outbox.length; b++) {
          const res = await device.post('/v1/sync', {
            leaseId: lease.leaseId,
            events: outbox.slice(from, from + BATCH),
          });
          expect(res.status).toBe(200);
          acked = res.body.ackedThrough;
          from = acked;
        }
      };
      for (const killAfterMs of [0, 2, 5]) {
        await syncFrom(acked, 3);
        // In flight: several batches at once beyond what is acknowledged, then the kill.
        const inFlight = [0, 1, 2].map((i) =>
          device
            .post('/v1/sync', {
              leaseId: lease.leaseId,
              events: outbox.slice(acked + i * BATCH, acked + (i + 1) * BATCH),
            })
            .catch(() => null),
        );
        if (killAfterMs) await new Promise((r) => setTimeout(r, killAfterMs));
        server.child.kill('SIGKILL');
        await server.exited;
        const answers = await Promise.all(inFlight);
        interrupted += answers.filter((a) => a === null).length;
        server = await spawnServer(bundle.file, env);
        device = new Client(server.url, token);
      }
      expect(interrupted).toBeGreaterThan(0); // the kills did land with requests in flight
      // Resend everything from the last acknowledgement the client saw (plus one batch before it: duplicates).
      await syncFrom(Math.max(0, acked - BATCH), BATCHES * 2);
      const final = await device.post('/v1/sync', { leaseId: lease.leaseId, events: outbox.slice(-BATCH) });
      expect(final.body).toMatchObject({ ackedThrough: outbox.length, applied: 0, rejected: [] });
      expect(final.body.balance).toMatchObject({ consumed: spent, reserved: 50_000 - spent });
      expect(final.body.lease).toMatchObject({ used: spent });
      const usage = await device.get('/v1/usage/summary');
      expect(usage.body.byAction).toEqual([
        { action: 'email.verify', credits: outbox.length / 2, quantity: outbox.length / 2 },
        { action: 'person.email.find', credits: (outbox.length / 2) * 3, quantity: outbox.length / 2 },
      ]);
    } finally {
      await server.kill();
    }
  }, 120_000);
});
