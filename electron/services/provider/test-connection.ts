import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { KilnError } from '../../../shared/contract/core';
import type { TestConnectionResult } from '../../../shared/contract/provider';

export interface TestConnectionOptions {
  baseUrl: string;
  apiKey: string | null;
  timeoutMs?: number;
}

function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new KilnError('VALIDATION', `"${baseUrl.slice(0, 200)}" is not a URL. Enter the API base URL, e.g. https://api.openai.com/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KilnError('VALIDATION', 'The base URL must start with http:// or https://.');
  }
  if (url.username || url.password) {
    // A key in the URL would end up in logs and settings.json; it belongs in the keychain.
    throw new KilnError('VALIDATION', 'Put the API key in the API key field, not in the base URL.');
  }
  return url.toString().replace(/\/+$/, '');
}

/** A hint when the URL likely misses the version path (Ollama, LM Studio and most proxies use /v1). */
function versionHint(baseUrl: string): string {
  return /\/v\d+[a-z]*(\/|$)/.test(new URL(baseUrl).pathname) ? '' : ' The base URL usually ends in /v1.';
}

/**
 * Lists the provider's models with the openai SDK (`GET <base>/models`), and turns each way it
 * can fail into a sentence the user can act on. The key never appears in a message.
 */
export async function testProviderConnection(options: TestConnectionOptions): Promise<TestConnectionResult> {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const client = new OpenAI({
    baseURL: baseUrl,
    // Local servers (Ollama, LM Studio) need no key; the SDK insists on one, so send a placeholder.
    apiKey: options.apiKey ?? 'kiln-no-key',
    timeout: options.timeoutMs ?? 10_000,
    maxRetries: 0,
  });
  let body: unknown;
  try {
    const page = await client.models.list();
    // The SDK turns any answer into a page with `data: []` (an HTML page, `{"status":"ok"}`), so
    // look at the raw body the page keeps (protected in the types) to tell "no models" from "not an API".
    const raw = (page as unknown as { body?: unknown }).body;
    body = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { data?: unknown }).data : undefined;
  } catch (error) {
    throw describeFailure(error, baseUrl, options.apiKey !== null);
  }
  if (!Array.isArray(body) || body.some((m) => !m || typeof (m as { id?: unknown }).id !== 'string')) {
    throw new KilnError(
      'EXTERNAL',
      `${baseUrl} answered, but not like an OpenAI-compatible API (GET /models returned no model list).${versionHint(baseUrl)}`,
    );
  }
  const models = [...new Set((body as { id: string }[]).map((m) => m.id))].sort((a, b) => a.localeCompare(b));
  return { baseUrl, models, usedApiKey: options.apiKey !== null };
}

function describeFailure(error: unknown, baseUrl: string, hadKey: boolean): KilnError {
  if (error instanceof APIConnectionTimeoutError) {
    return new KilnError('TIMEOUT', `${baseUrl} did not answer in time. Check the base URL and that the server is running.`);
  }
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? error.message;
    return new KilnError('UNAVAILABLE', `Could not reach ${baseUrl}. Check the base URL and that the server is running.`, detail);
  }
  if (error instanceof APIError) {
    const status = error.status;
    if (status === 401) {
      return new KilnError(
        'EXTERNAL',
        hadKey
          ? 'The provider rejected the API key (401). Set a new key in Settings → Provider.'
          : 'The provider needs an API key (401). Set one in Settings → Provider.',
        'HTTP 401',
      );
    }
    if (status === 403) {
      return new KilnError('EXTERNAL', 'The provider refused access with this API key (403). Check the key’s permissions.', 'HTTP 403');
    }
    if (status === 404 || status === 405) {
      return new KilnError(
        'EXTERNAL',
        `${baseUrl} is not an OpenAI-compatible API (GET /models answered ${status}).${versionHint(baseUrl)}`,
        `HTTP ${status}`,
      );
    }
    return new KilnError('EXTERNAL', `The provider answered with an error (HTTP ${String(status ?? 'unknown')}). Try again later or check the base URL.`, error.message.slice(0, 500));
  }
  if (error instanceof SyntaxError) {
    return new KilnError('EXTERNAL', `${baseUrl} answered, but not like an OpenAI-compatible API.${versionHint(baseUrl)}`);
  }
  return new KilnError('EXTERNAL', `Testing ${baseUrl} failed.`, error instanceof Error ? error.message.slice(0, 500) : String(error));
}
