// "Enrich with AI" (ai.enrich): one chat completion per row. The prompt names columns as
// `{{Title}} at {{Company}}`; the answer is text, a number, true/false, one of a list of
// choices, or JSON following the user's schema — asked for with strict Structured
// Outputs and checked again here, so a reply of the wrong shape, a refusal or an answer
// cut off at the token limit becomes an error cell (not charged), never a wrong value.
// A row whose referenced cells are all empty is not sent: it asks nothing, and is free.
//
// The cell audit keeps the model, the tokens used, the finish reason and the reply;
// never the key. Equal prompts under equal settings are one question, answered once.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ActionDefinition, ActionOutcome, RowInput } from '../../engine/actions';
import { CallError } from '../../engine/scheduler';
import { renderTemplate, templateColumns } from '../../engine/template';
import type { ProviderAccess, ProviderAdapter, ProviderCall } from '../providers';
import {
  callErrorOf,
  compatibleProvider,
  createClient,
  isOpenAiHost,
  openaiProvider,
} from './openai-provider';
import { buildOutputSpec, OUTPUT_TYPES, type OutputSpec, ReplyError } from './output-spec';

/** Reasoning models and local servers (Ollama on a laptop) can take minutes for one answer. */
export const AI_CALL_TIMEOUT_MS = 5 * 60_000;

export const DEFAULT_MODEL = 'gpt-4o-mini';

const httpUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((url) => {
    try {
      return ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      return false;
    }
  }, 'the base URL must be an http:// or https:// address, e.g. http://localhost:11434/v1');

const optionsSchema = z.object({
  prompt: z
    .string({ error: 'write a prompt' })
    .trim()
    .min(1, 'write a prompt')
    .max(50_000, 'the prompt is longer than 50,000 characters'),
  outputType: z
    .enum(OUTPUT_TYPES, { error: `the output type must be one of ${OUTPUT_TYPES.join(', ')}` })
    .default('text'),
  choices: z.array(z.string().max(500)).max(1_000).optional(),
  schema: z.unknown().optional(),
  model: z.string().trim().min(1, 'name a model').max(200).default(DEFAULT_MODEL),
  /** null: the server's default (some reasoning models accept no other) */
  temperature: z
    .number({ error: 'the temperature must be a number from 0 to 2' })
    .min(0, 'the temperature must be from 0 to 2')
    .max(2, 'the temperature must be from 0 to 2')
    .nullable()
    .default(0),
  baseUrl: z.union([httpUrl, z.literal(''), z.null()]).optional(),
  systemPrompt: z.string().max(50_000).nullable().optional(),
  maxTokens: z.number().int().min(1, 'max tokens must be at least 1').max(1_000_000).nullable().optional(),
  ratePerSecond: z.number().min(0.1).max(1_000).default(10),
});
export type AiEnrichOptions = z.infer<typeof optionsSchema>;

const BASE_INSTRUCTION =
  'You fill in one cell of a spreadsheet from the data of one row. Answer only from what the row says and what you reliably know.';

const info: ActionInfo = {
  id: 'ai.enrich',
  name: 'Enrich with AI',
  description:
    'Ask a language model about each row (the prompt can use {{Column}} values); the answer is text, a number, true/false, one of your choices, or JSON following your schema.',
  inputs: [],
  // The column's real type follows the output type the user picks (the Add column form sets it).
  outputs: [{ key: 'value', label: 'AI answer', type: 'text' }],
  price: 1,
  // A model's answer to the same prompt does not go stale quickly; re-run to refresh.
  cacheTtlSeconds: 30 * 24 * 3600,
  tables: ['companies', 'contacts'],
  providers: [openaiProvider.id, compatibleProvider.id],
};

export const aiEnrich: ActionDefinition = {
  info,
  prepare(options, context) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? ` (${issue.path.join('.')})` : '';
      throw new AppError('invalid_input', `Enrich with AI: ${issue?.message ?? 'invalid options'}${at}.`);
    }
    const config = parsed.data;
    const spec = buildOutputSpec(config.outputType, config.choices, config.schema);
    const systemTemplate = config.systemPrompt?.trim() ?? '';
    const columns = [...templateColumns(config.prompt), ...templateColumns(systemTemplate)].filter(
      (name, i, all) => all.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === i,
    );
    const customUrl = config.baseUrl ? config.baseUrl.replace(/\/+$/, '') : null;
    const provider: ProviderAdapter =
      customUrl === null || isOpenAiHost(customUrl) ? openaiProvider : compatibleProvider;
    const specKey = JSON.stringify(spec.format.schema);
    const ask = asker(provider, customUrl, context.providers);

    const render = (row: RowInput) => ({
      prompt: renderTemplate(config.prompt, row, { encode: 'text' }),
      system: systemTemplate ? renderTemplate(systemTemplate, row, { encode: 'text' }) : '',
    });
    // cacheKey and execute see the same row one after the other: render it once.
    let lastRow: RowInput | null = null;
    let last = { prompt: '', system: '' };
    const rendered = (row: RowInput) => {
      if (row !== lastRow) {
        last = render(row);
        lastRow = row;
      }
      return last;
    };

    return {
      providerId: provider === openaiProvider ? provider.id : `${provider.id}:${hostOf(customUrl ?? '')}`,
      ratePerSecond: config.ratePerSecond,
      burst: Math.max(1, Math.ceil(config.ratePerSecond)),
      timeoutMs: AI_CALL_TIMEOUT_MS,
      columns,
      outputKeys: ['value'],
      cacheKey: (row) => {
        const { prompt, system } = rendered(row);
        return JSON.stringify([
          customUrl ?? '',
          config.model,
          config.temperature,
          config.maxTokens ?? null,
          system,
          prompt,
          specKey,
        ]);
      },
      async execute(row, signal): Promise<ActionOutcome> {
        if (columns.length > 0 && columns.every((name) => isEmpty(row, name))) {
          return { status: 'not_found', raw: '{"reason":"every cell the prompt uses is empty"}' };
        }
        const { prompt, system } = rendered(row);
        const body: ChatCompletionCreateParamsNonStreaming = {
          model: config.model,
          messages: [
            {
              role: 'system',
              content: [BASE_INSTRUCTION, spec.instruction, system].filter(Boolean).join('\n\n'),
            },
            { role: 'user', content: prompt },
          ],
          response_format: { type: 'json_schema', json_schema: spec.format },
          ...(config.temperature === null ? {} : { temperature: config.temperature }),
          ...(config.maxTokens
            ? provider === openaiProvider
              ? { max_completion_tokens: config.maxTokens }
              : { max_tokens: config.maxTokens }
            : {}),
        };
        return answer(await ask(body, signal), spec);
      },
    };
  },
};

/** Sends one completion request; the key and base URL are read per call, so Settings changes apply. */
function asker(provider: ProviderAdapter, customUrl: string | null, providers: ProviderAccess) {
  let client: OpenAI | null = null;
  let clientFor = '';
  return async (
    body: ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal,
  ): Promise<ChatCompletion> => {
    const access = providers.call(provider);
    const call: ProviderCall = { key: access.key, baseUrl: customUrl ?? access.baseUrl };
    try {
      const id = `${call.baseUrl}\n${call.key ?? ''}`;
      if (client === null || clientFor !== id) {
        client = createClient(provider, call);
        clientFor = id;
      }
      return await client.chat.completions.create(body, { signal });
    } catch (error) {
      throw callErrorOf(error, provider, call);
    }
  };
}

/** The reply as an outcome, or the CallError saying why it is not an answer. */
function answer(completion: ChatCompletion, spec: OutputSpec): ActionOutcome {
  const choice = completion.choices?.[0];
  const content = choice?.message?.content ?? null;
  const usage = completion.usage;
  const audit = JSON.stringify({
    model: completion.model,
    usage: usage
      ? {
          prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens,
          total_tokens: usage.total_tokens,
        }
      : null,
    finish_reason: choice?.finish_reason ?? null,
    content,
    ...(choice?.message?.refusal ? { refusal: choice.message.refusal } : {}),
  });
  const fail = (message: string) =>
    new CallError('invalid_response', message, { retryable: false, body: audit });
  if (!choice) throw fail('The model sent no answer.');
  if (choice.message?.refusal) throw fail(`The model refused: ${choice.message.refusal.slice(0, 300)}`);
  if (choice.finish_reason === 'length')
    throw fail('The answer was cut off at the token limit: raise “Max tokens”, or ask for a shorter answer.');
  if (choice.finish_reason === 'content_filter')
    throw fail("The provider's content filter withheld the answer.");
  if (content === null || content.trim() === '') throw fail('The model sent an empty answer.');
  let value: unknown;
  try {
    value = spec.read(content);
  } catch (error) {
    if (error instanceof ReplyError) throw fail(error.message);
    throw error;
  }
  if (value === null) return { status: 'not_found', raw: audit };
  return { status: 'done', values: { value }, raw: audit, units: 1 };
}

function isEmpty(row: RowInput, column: string): boolean {
  return renderTemplate(`{{${column}}}`, row, { encode: 'text' }).trim() === '';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
