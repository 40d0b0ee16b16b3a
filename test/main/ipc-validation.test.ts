// Every channel of the contract refuses input that fails its schema before any service
// runs: for EVERY channel in src/shared/api.ts, junk of the wrong shape (a number, a
// string, an array, a boolean), null where fields are required, each field of a valid
// input swapped for a value of the wrong type, and unknown keys on strict inputs all end
// in AppError('invalid_input') — and the implementation behind the map is never called.
// A valid example per channel proves the refusals are about the input, and that unknown
// keys on the other channels are stripped before the service sees them. The same junk
// is then sent through the real app's handler map (real SQLite workbook).
import { CHANNELS, type Channel, type ChannelInput, channels } from '@shared/api';
import { AppError } from '@shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { createHandlerMap, type HandlerImpl } from '../../src/main/ipc/handler-map';
import { startTestApp, type TestApp } from '../helpers/app';

const view = { tableId: 1 };
const fileId = 'abcdEFGH1234';

/** One valid input per channel. The type makes a new channel without an example a compile error. */
const VALID: { [C in Channel]: ChannelInput<C> } = {
  'app/info': {},
  'tables/list': {},
  'tables/get': { tableId: 1 },
  'tables/create': { name: 'Leads' },
  'tables/rename': { tableId: 1, name: 'Leads' },
  'tables/delete': { tableId: 1 },
  'columns/add': { tableId: 1, name: 'Website', type: 'url' },
  'columns/update': { columnId: 3, name: 'Site', hidden: false, width: 120 },
  'columns/reorder': { tableId: 1, columnIds: [3, 2] },
  'columns/delete': { columnId: 3 },
  'rows/block': { view, start: 0, end: 100 },
  'rows/get': { tableId: 1, rowIds: [1, 2] },
  'rows/count': { view },
  'rows/update-cell': { tableId: 1, rowId: 1, columnId: 3, value: 'Acme' },
  'rows/insert': { tableId: 1, values: { c3: 'Acme' } },
  'rows/delete': { tableId: 1, selection: { kind: 'ids', ids: [1] } },
  'files/pick-import': {},
  'files/register-drop': { path: '/home/me/leads.csv' },
  'files/pick-export': { fileName: 'leads.csv' },
  'import/preview': { fileId },
  'import/start': {
    fileId,
    target: { kind: 'new', name: 'Leads' },
    mapping: [{ source: 0, target: { kind: 'new', name: 'Name', type: 'text' } }],
  },
  'linkedin/import-quote': {
    tableId: 1,
    searchUrl: 'https://www.linkedin.com/search/results/people/',
    maxRows: 10,
  },
  'linkedin/import-start': {
    tableId: 1,
    searchUrl: 'https://www.linkedin.com/search/results/people/',
    maxRows: 10,
  },
  'export/start': { view, columnIds: [3], format: 'csv' },
  'jobs/list': {},
  'jobs/cancel': { jobId: 'job-1' },
  'actions/list': {},
  'enrichments/list': { tableId: 1 },
  'enrichments/add': {
    tableId: 1,
    name: 'Checked',
    config: { actionId: 'http.request', outputs: [{ key: 'ok', name: 'OK', type: 'text' }] },
  },
  'enrichments/update': { enrichmentId: 1, autoRun: false },
  'enrichments/delete': { enrichmentId: 1 },
  'enrichments/quote': { enrichmentId: 1, scope: { target: { kind: 'all' } } },
  'runs/start': { enrichmentId: 1, scope: { target: { kind: 'rows', rowIds: [1] } } },
  'runs/stop': { runId: 1 },
  'runs/list': {},
  'cells/audit': { enrichmentId: 1, rowId: 1 },
  'credits/status': {},
  'credits/request-capacity': { credits: 500, message: 'The Q3 list' },
  'licensing/connect': {
    serverUrl: 'https://licensing.example.com',
    licenseKey: 'key',
    userEmail: 'me@example.com',
  },
  'licensing/use-embedded': {},
  'licensing/first-run': {},
  'workspace/state': {},
  'workspace/open-table': { tableId: 1 },
  'providers/list': {},
  'providers/set-key': { providerId: 'hunter', key: 'secret-key' },
  'providers/test': { providerId: 'hunter' },
  'waterfalls/list': {},
  'waterfalls/get': { waterfallId: 'person.email.find' },
  'waterfalls/set-order': { waterfallId: 'person.email.find', providerIds: ['hunter'] },
  'updates/status': {},
  'updates/check': {},
  'updates/download': {},
  'updates/install': {},
  'updates/set-channel': { channel: 'beta' },
  'diagnostics/collect': {},
  'shell/open-external': { url: 'https://example.com/' },
};

/** Values of another type than `value`: an operator-shaped object for scalars, a number as text. */
function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'number') return ['12', { $gt: 0 }];
  if (typeof value === 'string' || typeof value === 'boolean') return [{ $ne: null }];
  if (Array.isArray(value)) return ['not a list'];
  return [['not', 'an', 'object']];
}

const schemaOf = (channel: Channel) => channels[channel].input as ZodType;
const isStrict = (channel: Channel) =>
  !schemaOf(channel).safeParse({ ...(VALID[channel] as object), __junk: 1 }).success;
const needsFields = (channel: Channel) => !schemaOf(channel).safeParse({}).success;

/** The handler map over an implementation that only records what reached it. */
function spiedMap() {
  const reached: { channel: string; input: unknown }[] = [];
  const impl = new Proxy({} as HandlerImpl, {
    get: (_target, channel) => async (input: unknown) => {
      reached.push({ channel: String(channel), input });
      return null;
    },
  });
  return { map: createHandlerMap(impl), reached };
}

async function expectInvalid(call: Promise<unknown>, channel: string): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${channel} accepted bad input`).toBeInstanceOf(AppError);
  expect((error as AppError).code, (error as AppError).message).toBe('invalid_input');
  expect((error as AppError).message.startsWith(`${channel}: `)).toBe(true);
  return error as AppError;
}

/** Every bad input for a channel, with what makes it bad. */
function badInputs(channel: Channel): [string, unknown][] {
  const bad: [string, unknown][] = [
    ['a number', 42],
    ['a string', 'tables/list'],
    ['an array', [VALID[channel]]],
    ['a boolean', true],
  ];
  if (needsFields(channel)) bad.push(['null', null], ['an empty object', {}]);
  if (isStrict(channel)) bad.push(['unknown keys', { __proto_junk: 1, admin: true }]);
  for (const [key, value] of Object.entries(VALID[channel] as object)) {
    for (const wrong of wrongTypes(value)) {
      bad.push([`${key} as ${JSON.stringify(wrong)}`, { ...(VALID[channel] as object), [key]: wrong }]);
    }
  }
  return bad;
}

describe('the handler map validates every channel', () => {
  it('has a valid example for every channel of the contract, and nothing else', () => {
    expect(Object.keys(VALID).sort()).toEqual([...CHANNELS].sort());
  });

  it.each(CHANNELS)('%s: a valid input reaches the service once, parsed', async (channel) => {
    const { map, reached } = spiedMap();
    await map[channel](VALID[channel]);
    expect(reached).toEqual([{ channel, input: schemaOf(channel).parse(VALID[channel]) }]);
  });

  it.each(CHANNELS)(
    '%s: input that fails the schema is refused and never reaches the service',
    async (channel) => {
      const { map, reached } = spiedMap();
      const cases = badInputs(channel);
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const [what, input] of cases) {
        expect(schemaOf(channel).safeParse(input).success, `${channel} with ${what}`).toBe(false);
        await expectInvalid(map[channel](input), channel);
      }
      expect(reached).toEqual([]);
    },
  );

  it.each(CHANNELS)('%s: unknown keys never reach the service', async (channel) => {
    const { map, reached } = spiedMap();
    const withJunk = { ...(VALID[channel] as object), __junk: '<script>', constructor: 'x' };
    if (isStrict(channel)) {
      await expectInvalid(map[channel](withJunk), channel);
      expect(reached).toEqual([]);
    } else {
      await map[channel](withJunk);
      expect(reached).toHaveLength(1);
      expect(Object.keys(reached[0]?.input as object)).not.toContain('__junk');
      expect(Object.hasOwn(reached[0]?.input as object, 'constructor')).toBe(false);
    }
  });

  it('null and no input mean "no input" only where a channel takes none', async () => {
    const { map, reached } = spiedMap();
    await map['tables/list'](null);
    await map['tables/list'](undefined);
    expect(reached).toEqual([
      { channel: 'tables/list', input: {} },
      { channel: 'tables/list', input: {} },
    ]);
    await expectInvalid(map['tables/get'](null), 'tables/get');
  });
});

describe('the real app refuses the same input', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(CHANNELS)('%s', async (channel) => {
    const before = await app.app.handlers['tables/list']({});
    for (const [, input] of badInputs(channel)) {
      await expectInvalid(app.app.handlers[channel](input), channel);
    }
    // Nothing changed behind the refusals.
    expect(await app.app.handlers['tables/list']({})).toEqual(before);
  });
});
