import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../e2e/fixtures/model-server';
import { KilnError } from '../../../shared/contract/core';
import { ModelClient, type ModelConfig } from './model-client';

let server: ModelServer;
let config: ModelConfig;
const fast = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };

beforeAll(async () => {
  server = await startModelServer();
  config = { baseUrl: server.url, model: 'test-model', apiKey: 'sk-test-key-000000000000000000' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const request = { messages: [{ role: 'user' as const, content: 'hi' }], tools: [] };

async function failure(promise: Promise<unknown>): Promise<KilnError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('ModelClient', () => {
  it('streams text deltas, reports usage, and sends the key and model', async () => {
    server.enqueue({ kind: 'text', text: 'Hello there, this is streamed.', chunkSize: 5, usage: { prompt_tokens: 12, completion_tokens: 7 } });
    const deltas: string[] = [];
    const result = await new ModelClient(fast).stream(config, request, { onText: (t) => deltas.push(t) }, new AbortController().signal);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Hello there, this is streamed.');
    expect(result.text).toBe('Hello there, this is streamed.');
    expect(result.usage).toEqual({ promptTokens: 12, completionTokens: 7, totalTokens: 19 });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${config.apiKey}`);
    expect(server.requests[0]!.body.model).toBe('test-model');
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('builds the SDK client once per provider configuration and a new one when the URL or key changes', async () => {
    const client = new ModelClient(fast);
    for (let i = 0; i < 3; i++) server.enqueue({ kind: 'text', text: `round ${i}` });
    for (let i = 0; i < 3; i++) await client.stream(config, request, { onText: () => undefined }, new AbortController().signal);
    expect(client.clientsBuilt).toBe(1);
    server.enqueue({ kind: 'text', text: 'new key' });
    await client.stream({ ...config, apiKey: 'sk-other-key-11111111111111111' }, request, { onText: () => undefined }, new AbortController().signal);
    expect(client.clientsBuilt).toBe(2);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer sk-other-key-11111111111111111');
  });

  it('reassembles tool-call arguments split across chunks, in order', async () => {
    server.enqueue({
      kind: 'tools',
      text: 'Let me look.',
      splits: 5,
      calls: [
        { name: 'list_artifacts', args: {} },
        { name: 'write_file', args: { slug: 'a', path: 'x.html', content: '<h1>héllo</h1>' } },
      ],
    });
    const result = await new ModelClient(fast).stream(config, request, { onText: () => undefined }, new AbortController().signal);
    expect(result.text).toBe('Let me look.');
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls.map((c) => c.name)).toEqual(['list_artifacts', 'write_file']);
    expect(JSON.parse(result.toolCalls[1]!.arguments)).toEqual({ slug: 'a', path: 'x.html', content: '<h1>héllo</h1>' });
    expect(result.toolCalls[0]!.id).not.toBe(result.toolCalls[1]!.id);
  });

  it('retries a 429 after the Retry-After the server asked for, then succeeds', async () => {
    server.enqueue({ kind: 'error', status: 429, message: 'Slow down', headers: { 'retry-after': '1' } }, { kind: 'text', text: 'ok now' });
    const waits: number[] = [];
    const result = await new ModelClient(fast).stream(
      config,
      request,
      { onText: () => undefined, onRetry: (_n, delay) => waits.push(delay) },
      new AbortController().signal,
    );
    expect(result.text).toBe('ok now');
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  it('retries 5xx and dropped connections with backoff', async () => {
    server.enqueue({ kind: 'error', status: 500 }, { kind: 'drop' }, { kind: 'error', status: 503 }, { kind: 'text', text: 'finally' });
    const result = await new ModelClient(fast).stream(config, request, { onText: () => undefined }, new AbortController().signal);
    expect(result.text).toBe('finally');
    expect(server.requests).toHaveLength(4);
  });

  it('gives up after the retry budget with a sentence about the rate limit', async () => {
    for (let i = 0; i < 5; i++) server.enqueue({ kind: 'error', status: 429, headers: { 'retry-after-ms': '1' } });
    const error = await failure(new ModelClient(fast).stream(config, request, { onText: () => undefined }, new AbortController().signal));
    expect(server.requests).toHaveLength(4);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/rate-limiting/);
  });

  it('never retries a 401 and says the key is the problem, without echoing it', async () => {
    server.enqueue({ kind: 'error', status: 401, message: 'Incorrect API key provided: sk-test-key-000000000000000000', code: 'invalid_api_key' });
    const error = await failure(new ModelClient(fast).stream(config, request, { onText: () => undefined }, new AbortController().signal));
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/API key/);
    expect(error.message).not.toContain('sk-test');
  });

  it('names the model on a 404 and the context window on a context-length error', async () => {
    server.enqueue({ kind: 'error', status: 404, message: 'The model `nope` does not exist', code: 'model_not_found' });
    const notFound = await failure(
      new ModelClient(fast).stream({ ...config, model: 'nope' }, request, { onText: () => undefined }, new AbortController().signal),
    );
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.message).toContain('"nope"');

    server.enqueue({ kind: 'error', status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens." });
    const tooLong = await failure(new ModelClient(fast).stream(config, request, { onText: () => undefined }, new AbortController().signal));
    expect(tooLong.message).toMatch(/context window/);
    expect(server.requests).toHaveLength(2);
  });

  it('says the provider is unreachable when nothing listens there', async () => {
    const dead = await startModelServer();
    const url = dead.url;
    await dead.close();
    const error = await failure(
      new ModelClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 1 }).stream(
        { ...config, baseUrl: url },
        request,
        { onText: () => undefined },
        new AbortController().signal,
      ),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain(url);
  });

  it('stops at once when aborted mid-stream and keeps what streamed', async () => {
    server.enqueue({ kind: 'text', text: 'abcdefghijklmnopqrstuvwxyz', chunkSize: 2, hangAfter: 3 });
    const controller = new AbortController();
    let seen = '';
    const pending = new ModelClient(fast).stream(
      config,
      request,
      {
        onText: (t) => {
          seen += t;
          if (seen.length >= 6) controller.abort();
        },
      },
      controller.signal,
    );
    const error = await failure(pending);
    expect(error.code).toBe('CANCELLED');
    expect(seen).toBe('abcdef');
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry once text has streamed (no duplicated text)', async () => {
    server.enqueue({ kind: 'text', text: 'partial answer here', chunkSize: 4, cutAfter: 2 });
    let seen = '';
    const error = await failure(
      new ModelClient(fast).stream(config, request, { onText: (t) => (seen += t) }, new AbortController().signal),
    );
    expect(seen).toBe('partial ');
    expect(server.requests).toHaveLength(1);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('refuses to start without a model', async () => {
    const error = await failure(
      new ModelClient(fast).stream({ ...config, model: ' ' }, request, { onText: () => undefined }, new AbortController().signal),
    );
    expect(error.code).toBe('VALIDATION');
    expect(server.requests).toHaveLength(0);
  });
});
