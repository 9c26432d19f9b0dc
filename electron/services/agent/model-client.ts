import { createHash } from 'node:crypto';
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { KilnError } from '../../../shared/contract/core';

/**
 * Streams one chat completion from any OpenAI-compatible endpoint. The SDK's own retries are
 * off (`maxRetries: 0`): we retry here so the policy is ours and tested — 429, 5xx and
 * connection failures are retried with exponential backoff honouring `Retry-After`, other
 * 4xx never are, and nothing is retried once text has streamed (that would duplicate it).
 */
export interface ModelConfig {
  baseUrl: string;
  model: string;
  apiKey: string;
}

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

export interface ModelToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; may be malformed. */
  arguments: string;
}

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ModelResult {
  text: string;
  toolCalls: ModelToolCall[];
  finishReason: string | null;
  usage: ModelUsage | null;
}

export interface ModelRequest {
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
}

export interface StreamHandlers {
  onText(text: string): void;
  /** Told before each retry wait, so the UI can say what is happening. */
  onRetry?(attempt: number, delayMs: number, reason: string): void;
}

export type { ChatCompletionMessageParam, ChatCompletionTool };

function retryAfterMs(headers: Headers | undefined): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError && typeof error.status === 'number') {
    return error.status === 429 || error.status >= 500;
  }
  return false;
}

function isContextLength(error: APIError): boolean {
  const text = `${error.code ?? ''} ${error.message}`.toLowerCase();
  return text.includes('context_length') || text.includes('context length') || text.includes('maximum context') || text.includes('too many tokens');
}

/** Turns a provider failure into a sentence a user can act on. Never includes the key. */
export function describeModelError(error: unknown, config: ModelConfig): KilnError {
  if (error instanceof KilnError) return error;
  if (error instanceof APIUserAbortError) return new KilnError('CANCELLED', 'Stopped.');
  if (error instanceof APIConnectionError) {
    return new KilnError(
      'UNAVAILABLE',
      `Could not reach the model provider at ${config.baseUrl}. Check your network connection and the base URL in Settings → Provider.`,
      error.cause instanceof Error ? error.cause.message : error.message,
    );
  }
  if (error instanceof APIError) {
    const status = error.status;
    const details = `HTTP ${status ?? '?'}: ${error.message}`;
    if (status === 401 || status === 403) {
      return new KilnError(
        'FORBIDDEN',
        `The model provider rejected the API key (HTTP ${status}). Enter a valid key in Settings → Provider.`,
        details,
      );
    }
    if (status === 404) {
      return new KilnError(
        'NOT_FOUND',
        `The model "${config.model}" was not found at ${config.baseUrl}. Choose an available model in Settings → Provider.`,
        details,
      );
    }
    if (isContextLength(error)) {
      return new KilnError(
        'VALIDATION',
        "The conversation is longer than the model's context window. Start a new chat, or choose a model with a larger context.",
        details,
      );
    }
    if (status === 429) {
      return new KilnError('UNAVAILABLE', 'The model provider is rate-limiting requests (HTTP 429). Wait a minute and retry.', details);
    }
    if (typeof status === 'number' && status >= 500) {
      return new KilnError('EXTERNAL', `The model provider had a server error (HTTP ${status}). Retry in a moment.`, details);
    }
    return new KilnError('EXTERNAL', `The model provider refused the request (HTTP ${status ?? '?'}).`, details);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KilnError('EXTERNAL', 'The model stream failed unexpectedly. Retry the turn.', message);
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new APIUserAbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class ModelClient {
  /** One SDK client per provider configuration (URL + key), not one per model round. */
  private cached: { baseUrl: string; keyHash: string; client: OpenAI } | null = null;
  /** How many SDK clients were built (the test proves rounds share one). */
  clientsBuilt = 0;

  constructor(
    private readonly retry: RetryPolicy = defaultRetryPolicy,
    private readonly fetchImpl?: typeof fetch,
  ) {}

  private clientFor(config: ModelConfig): OpenAI {
    const keyHash = createHash('sha256').update(config.apiKey).digest('hex');
    if (this.cached?.baseUrl === config.baseUrl && this.cached.keyHash === keyHash) return this.cached.client;
    const client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers (Ollama, LM Studio) need no key, but the SDK insists on one.
      apiKey: config.apiKey || 'no-key',
      maxRetries: 0,
      timeout: 10 * 60 * 1000,
      dangerouslyAllowBrowser: false,
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
    });
    this.clientsBuilt++;
    this.cached = { baseUrl: config.baseUrl, keyHash, client };
    return client;
  }

  async stream(config: ModelConfig, request: ModelRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<ModelResult> {
    if (!config.model.trim()) {
      throw new KilnError('VALIDATION', 'No model is selected. Choose one in Settings → Provider.');
    }
    const client = this.clientFor(config);
    for (let attempt = 0; ; attempt++) {
      let streamed = false;
      try {
        return await this.once(client, config, request, signal, (text) => {
          streamed = true;
          handlers.onText(text);
        });
      } catch (error) {
        if (signal.aborted) throw new KilnError('CANCELLED', 'Stopped.');
        if (streamed || attempt >= this.retry.retries || !isRetryable(error)) throw describeModelError(error, config);
        const hinted = error instanceof APIError ? retryAfterMs(error.headers) : null;
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
        // Honour the server's hint even above our cap, up to a minute.
        const delay = hinted !== null ? Math.min(hinted, 60_000) : backoff * (0.75 + Math.random() * 0.5);
        handlers.onRetry?.(attempt + 1, delay, describeModelError(error, config).message);
        await sleep(delay, signal).catch(() => {
          throw new KilnError('CANCELLED', 'Stopped.');
        });
      }
    }
  }

  private async once(
    client: OpenAI,
    config: ModelConfig,
    request: ModelRequest,
    signal: AbortSignal,
    onText: (text: string) => void,
  ): Promise<ModelResult> {
    const stream = await client.chat.completions.create(
      {
        model: config.model,
        messages: request.messages,
        ...(request.tools.length > 0 ? { tools: request.tools } : {}),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    let text = '';
    let finishReason: string | null = null;
    let usage: ModelUsage | null = null;
    const calls = new Map<number, ModelToolCall>();
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      if (chunk.usage) {
        usage = {
          promptTokens: chunk.usage.prompt_tokens ?? 0,
          completionTokens: chunk.usage.completion_tokens ?? 0,
          totalTokens: chunk.usage.total_tokens ?? 0,
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (delta?.content) {
        text += delta.content;
        onText(delta.content);
      }
      for (const tc of delta?.tool_calls ?? []) {
        const existing = calls.get(tc.index);
        if (existing) {
          if (tc.function?.name) existing.name += tc.function.name;
          if (tc.function?.arguments) existing.arguments += tc.function.arguments;
          if (tc.id && !existing.id) existing.id = tc.id;
        } else {
          calls.set(tc.index, {
            id: tc.id ?? '',
            name: tc.function?.name ?? '',
            arguments: tc.function?.arguments ?? '',
          });
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    // The SDK ends the iteration quietly on abort and on a connection closed mid-stream.
    if (signal.aborted) throw new APIUserAbortError();
    if (finishReason === null) {
      throw new KilnError(
        'EXTERNAL',
        'The model stopped answering mid-stream (the connection closed before the answer finished). Retry the turn.',
      );
    }
    const toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({ ...c, id: c.id || `call_${index}_${Date.now().toString(36)}` }));
    return { text, toolCalls, finishReason, usage };
  }
}
