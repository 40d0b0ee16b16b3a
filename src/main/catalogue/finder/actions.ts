// "Find email" (person.email.find) and "Find phone and email" (person.phoneEmail.find):
// the waterfall as enrichment columns. Options are checked in prepare (an unknown
// provider id is the user's typo); the provider order, keys and base URLs are read at
// call time so Settings changes apply to the next row. A row is charged once (1 unit)
// when something was found, whatever the number of providers and verifications asked
// on the way; nothing found is free.
import type { ActionInfo, ActionOutput } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import { z } from 'zod';
import type { ActionDefinition, ActionOutcome, RowInput } from '../../engine/actions';
import type { ProviderAccess } from '../providers';
import { DEFAULT_MAX_PROBES, patternProvider } from './pattern';
import { personQuery } from './person';
import type { FinderAdapter, PersonQuery, VerifyEmail } from './types';
import { runWaterfall, type Want, type WaterfallOptions } from './waterfall';

/** How long one row's whole waterfall may take (Stop ends it at once either way). */
export const WATERFALL_TIMEOUT_MS = 10 * 60_000;

const INPUTS: ActionInfo['inputs'] = [
  { key: 'firstName', label: 'First name', required: false },
  { key: 'lastName', label: 'Last name', required: false },
  { key: 'fullName', label: 'Full name', required: false },
  { key: 'domain', label: 'Company domain or website', required: false },
  { key: 'company', label: 'Company name', required: false },
  { key: 'linkedinUrl', label: 'LinkedIn URL', required: false },
];

const optionsSchema = z
  .object({
    providers: z.array(z.string().trim().min(1)).min(1).max(50).optional(),
    minConfidence: z.number().min(0).max(100).optional(),
    verify: z.boolean().optional(),
    acceptCatchAll: z.boolean().optional(),
    maxProbes: z.number().int().min(1).max(20).optional(),
  })
  .strict();

interface Spec {
  id: 'person.email.find' | 'person.phoneEmail.find';
  name: string;
  description: string;
  want: Want;
  price: number;
  outputs: ActionOutput[];
  /** which adapters make the default order */
  defaults: (a: FinderAdapter) => boolean;
}

const EMAIL_OUTPUTS: ActionOutput[] = [
  { key: 'email', label: 'Email', type: 'email' },
  { key: 'emailStatus', label: 'Email status', type: 'text' },
  { key: 'provider', label: 'Found by', type: 'text' },
  { key: 'confidence', label: 'Email confidence', type: 'number' },
];

const SPECS: Spec[] = [
  {
    id: 'person.email.find',
    name: 'Find email',
    description:
      'A work email from name + company domain (or a LinkedIn URL): asks your email finders in order and stops at the first acceptable address, optionally verified (verification is included in the price), with verified pattern guesses last. Charged only when an address is found.',
    want: 'email',
    price: 3,
    outputs: EMAIL_OUTPUTS,
    defaults: (a) => a.capabilities.includes('person.email'),
  },
  {
    id: 'person.phoneEmail.find',
    name: 'Find phone and email',
    description:
      'A phone number and a work email: asks providers that find both, in order, until both are found, each field taken from the first provider that had it (the email optionally verified, included in the price). Charged once per person when either is found.',
    want: 'phoneEmail',
    price: 10,
    outputs: [
      ...EMAIL_OUTPUTS,
      { key: 'phone', label: 'Phone', type: 'phone' },
      { key: 'emailProvider', label: 'Email found by', type: 'text' },
      { key: 'phoneProvider', label: 'Phone found by', type: 'text' },
    ],
    defaults: (a) => a.capabilities.includes('person.email') && a.capabilities.includes('person.phone'),
  },
];

function waterfallId(spec: Spec): string {
  return spec.id === 'person.email.find' ? 'person.email' : 'person.phoneEmail';
}

function defaultOrder(spec: Spec, adapters: FinderAdapter[]): string[] {
  const ids = adapters.filter(spec.defaults).map((a) => a.id);
  return spec.want === 'email' ? [...ids, patternProvider.id] : ids;
}

function invalid(spec: Spec, message: string): AppError {
  return new AppError('invalid_input', `${spec.name}: ${message}`);
}

function define(spec: Spec, adapters: FinderAdapter[], verify: VerifyEmail | null): ActionDefinition {
  const byId = new Map(adapters.map((a) => [a.id, a]));
  const known = new Set([...byId.keys(), patternProvider.id]);
  const info: ActionInfo = {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    inputs: INPUTS,
    outputs: spec.outputs,
    price: spec.price,
    // People change jobs; a found address is worth asking again after a month.
    cacheTtlSeconds: 30 * 24 * 3600,
    tables: ['contacts'],
    providers: defaultOrder(spec, adapters),
  };
  return {
    info,
    prepare(options, context) {
      const parsed = optionsSchema.safeParse(options);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalid(
          spec,
          `${issue?.message ?? 'invalid options'} at ${issue?.path.join('.') || 'options'}`,
        );
      }
      const o = parsed.data;
      const unknown = (o.providers ?? []).filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw invalid(
          spec,
          `unknown provider ${unknown.map((id) => `“${id}”`).join(', ')} (known: ${[...known].join(', ')}).`,
        );
      }
      if (o.verify && !verify) throw invalid(spec, 'email verification is not available.');
      const mapped = (key: string) => context.inputs[key] !== undefined;
      const hasName = mapped('fullName') || (mapped('firstName') && mapped('lastName'));
      if (!mapped('linkedinUrl') && !(hasName && mapped('domain'))) {
        throw invalid(
          spec,
          'map a name (full name, or first and last name) and the company domain, or a LinkedIn URL.',
        );
      }
      const base: Omit<WaterfallOptions, 'order'> = {
        want: spec.want,
        minConfidence: o.minConfidence ?? null,
        verify: o.verify ?? false,
        acceptCatchAll: o.acceptCatchAll ?? false,
        maxProbes: o.maxProbes ?? DEFAULT_MAX_PROBES,
      };
      const providers: ProviderAccess = context.providers;
      const order = (): string[] => {
        if (o.providers) return o.providers;
        const saved = providers.order(waterfallId(spec))?.filter((id) => known.has(id));
        return saved && saved.length > 0 ? saved : defaultOrder(spec, adapters);
      };
      const read = (row: RowInput): PersonQuery =>
        personQuery(
          Object.fromEntries(
            INPUTS.map((input) => {
              const column = context.inputs[input.key];
              return [input.key, column === undefined ? null : row[column]];
            }),
          ),
        );
      return {
        // The engine limits the waterfall as one provider; each provider's own limits are
        // the adapters' (and the providers') concern.
        providerId: `waterfall:${waterfallId(spec)}`,
        ratePerSecond: 10,
        burst: 10,
        // One row walks the whole list (each request with its own 30 s limit), then may
        // verify: the engine's 30 s for a call would cut a long waterfall off halfway.
        timeoutMs: WATERFALL_TIMEOUT_MS,
        columns: [],
        outputKeys: spec.outputs.map((out) => out.key),
        maxUnits: 1,
        cacheKey: (row) => JSON.stringify([read(row), order(), base]),
        async execute(row, signal): Promise<ActionOutcome> {
          const person = read(row);
          const named = person.firstName && person.lastName;
          if (!person.linkedinUrl && !(named && (person.domain || person.company))) {
            return {
              status: 'not_found',
              raw: JSON.stringify({ reason: 'needs a name and a company domain, or a LinkedIn URL' }),
            };
          }
          const result = await runWaterfall(
            person,
            byId,
            providers,
            verify,
            { ...base, order: order() },
            signal,
          );
          const raw = JSON.stringify({ trail: result.trail });
          const provider = result.emailProvider ?? result.phoneProvider ?? undefined;
          if (result.email === null && result.phone === null) return { status: 'not_found', raw };
          const values: Record<string, unknown> = {
            email: result.email,
            emailStatus: result.emailStatus,
            provider: [...new Set([result.emailProvider, result.phoneProvider].filter(Boolean))].join(' + '),
            confidence: result.confidence,
          };
          if (spec.want === 'phoneEmail') {
            values.phone = result.phone;
            values.emailProvider = result.emailProvider;
            values.phoneProvider = result.phoneProvider;
          }
          return { status: 'done', values, raw, units: 1, provider };
        },
      };
    },
  };
}

export function finderActions(adapters: FinderAdapter[], verify: VerifyEmail | null): ActionDefinition[] {
  return SPECS.map((spec) => define(spec, adapters, verify));
}
