// A loopback OpenAI-compatible server (what Ollama, LM Studio and vLLM serve under /v1):
// POST /v1/chat/completions and GET /v1/models, answering with the shapes of OpenAI's API
// reference — the chat completion object (choices[].message with content and refusal,
// finish_reason, usage) and the error object ({ error: { message, type, param, code } }).
// It records every chat request (parsed body and headers) and answers what the test
// scripts: a value in the `{ "value": … }` wrapper, raw content (malformed JSON, a wrong
// type), a refusal, an answer cut off at the token limit, or an HTTP error.
import type { IncomingHttpHeaders } from 'node:http';
import { type FakeResponse, type HttpFake, startHttpFake } from './http-fake';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
  };
}

export interface ChatRequest {
  body: ChatRequestBody;
  headers: IncomingHttpHeaders;
  /** the user message: the rendered prompt */
  prompt: string;
}

export type Reply =
  /** `{"value": …}` as the content (the scalar output types' wrapper) */
  | { value: unknown }
  /** this object as the content (a JSON output) */
  | { json: unknown }
  /** this text as the content, as is */
  | { content: string }
  | { refusal: string }
  /** content cut off at max tokens: finish_reason "length" */
  | { truncated: string }
  | { status: number; message?: string; code?: string; headers?: Record<string, string> };

export type Responder = (request: ChatRequest) => Reply;

export interface OpenAiFake {
  /** the base URL to configure, ending in /v1 */
  baseUrl: string;
  http: HttpFake;
  /** chat requests received, oldest first */
  requests: ChatRequest[];
  /** models GET /v1/models lists */
  models: string[];
  /** the answer for every chat request not taken by a queued reply */
  respond(responder: Responder): void;
  /** replies for the next requests, in order, before the responder */
  queue(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** With `key`, requests without `Authorization: Bearer <key>` get OpenAI's 401, which repeats the key sent. */
export async function startOpenAiFake(opts: { key?: string; models?: string[] } = {}): Promise<OpenAiFake> {
  const requests: ChatRequest[] = [];
  const queued: Reply[] = [];
  const models = opts.models ?? ['gpt-4o-mini', 'gpt-4o'];
  let responder: Responder = () => ({ value: 'ok' });

  const http = await startHttpFake({
    handler(req) {
      const auth = String(req.headers.authorization ?? '');
      if (opts.key !== undefined && auth !== `Bearer ${opts.key}`) {
        const sent = auth.replace(/^Bearer /, '');
        return error(
          401,
          `Incorrect API key provided: ${sent}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_api_key',
        );
      }
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') {
        return json(200, {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })),
        });
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        const body = JSON.parse(req.body) as ChatRequestBody;
        const request: ChatRequest = {
          body,
          headers: req.headers,
          prompt: body.messages
            .filter((m) => m.role === 'user')
            .map((m) => m.content)
            .join('\n'),
        };
        requests.push(request);
        return completion(body, queued.shift() ?? responder(request));
      }
      return error(404, `Unknown request to ${req.method} ${path}`, 'unknown_url');
    },
  });

  return {
    baseUrl: `${http.url}/v1`,
    http,
    requests,
    models,
    respond(next) {
      responder = next;
    },
    queue(...replies) {
      queued.push(...replies);
    },
    close: () => http.close(),
  };
}

function completion(body: ChatRequestBody, reply: Reply): FakeResponse {
  if ('status' in reply) {
    const answer = error(reply.status, reply.message ?? `Error ${reply.status}`, reply.code ?? null);
    return { ...answer, headers: { ...answer.headers, ...reply.headers } };
  }
  let content: string | null = null;
  let refusal: string | null = null;
  let finish = 'stop';
  if ('value' in reply) content = JSON.stringify({ value: reply.value });
  else if ('json' in reply) content = JSON.stringify(reply.json);
  else if ('content' in reply) content = reply.content;
  else if ('refusal' in reply) refusal = reply.refusal;
  else {
    content = reply.truncated;
    finish = 'length';
  }
  const promptTokens = body.messages.reduce((n, m) => n + words(m.content), 0);
  const completionTokens = words(content ?? refusal ?? '');
  return json(200, {
    id: `chatcmpl-fake${Math.random().toString(36).slice(2, 10)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal, annotations: [] },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  });
}

/** A stand-in token count: deterministic, so tests can assert it. */
export function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function json(status: number, body: unknown): FakeResponse {
  return { status, body: JSON.stringify(body) };
}

function error(status: number, message: string, code: string | null): FakeResponse {
  const type =
    status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return json(status, { error: { message, type, param: null, code } });
}
