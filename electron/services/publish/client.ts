import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { KilnError } from '../../../shared/contract/core';

/**
 * anton's publish protocol over HTTP(S) (anton-format.md §5). The upload body is streamed
 * (the zip is base64-encoded chunk by chunk), so memory stays bounded whatever the bundle
 * size. Retries never create a second report: an update re-sends the same `report_id`, and
 * a first publish whose answer was lost asks `/list` whether it landed before sending again.
 */

export const uploadResponseSchema = z.object({
  report_id: z.string().min(1),
  view_url: z.string().min(1),
  md5: z.string().optional(),
  version: z.number().int().nullable().optional(),
  files: z.array(z.string()).optional(),
  user_prefix: z.string().optional(),
  unchanged: z.boolean().optional(),
});
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

const listSchema = z.object({
  reports: z.array(
    z.object({ report_id: z.string(), md5: z.string().optional(), view_url: z.string().optional() }).passthrough(),
  ),
});

const versionsSchema = z.object({
  versions: z.array(
    z.object({
      md5: z.string(),
      version: z.number().int().nullable().optional(),
      uploaded_at: z.string().nullable().optional(),
      active: z.boolean().optional(),
    }).passthrough(),
  ),
});
export type RemoteVersion = z.infer<typeof versionsSchema>['versions'][number];

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** A request that sends or receives nothing for this long fails (and may be retried). */
  idleTimeoutMs?: number;
  /** Attempts after the first, for network errors and 5xx. */
  retries?: number;
  retryDelayMs?: number;
  signal?: AbortSignal | undefined;
}

export interface UploadRequest {
  zipFile: string;
  zipBytes: number;
  md5: string;
  /** Every body field but `file_payload` (report_id, access, secrets, …). */
  fields: Record<string, unknown>;
}

export interface UploadHooks {
  onProgress?: (fraction: number) => void;
  onRetry?: (attempt: number, reason: string) => void;
}

/** How a failed attempt ended: whether the server may have acted on it. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly maybeReceived: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface RawResponse {
  status: number;
  text: string;
}

const cancelled = (): KilnError => new KilnError('CANCELLED', 'Publishing was cancelled.');

/**
 * The headers anton's client sends on every call to the publish service (`minds_request`):
 * the service sits behind bot protection that turns away requests without browser-like
 * headers, so Kiln sends the same set, the same user agent included (the rule may match it).
 * `identity` also keeps answers uncompressed, which this client reads as plain text.
 */
export const ANTON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': 'Mozilla/5.0 (compatible; Anton/1.0; +https://github.com/mindsdb/anton)',
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'identity',
  connection: 'keep-alive',
};

export class PublishClient {
  private readonly base: URL;
  private readonly idleTimeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new KilnError('VALIDATION', `The publish URL "${options.baseUrl}" is not a valid URL. Fix it in Settings → Publishing.`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new KilnError('VALIDATION', 'The publish URL must start with https:// (or http:// for a local server). Fix it in Settings → Publishing.');
    }
    this.base = base;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  private send(method: string, path: string, body?: { length: number; stream: () => Readable; onProgress?: (f: number) => void }): Promise<RawResponse> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      if (this.options.signal?.aborted) {
        reject(cancelled());
        return;
      }
      let sentAny = false;
      const headers: Record<string, string | number> = { ...ANTON_HEADERS, authorization: `Bearer ${this.options.apiKey}` };
      if (body) {
        headers['content-length'] = body.length;
      }
      const req = lib.request(url, { method, headers, signal: this.options.signal, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(new AttemptError(`the connection broke while reading the answer (${e.message})`, true)));
      });
      req.setTimeout(this.idleTimeoutMs, () => {
        req.destroy(new AttemptError(`no answer within ${Math.round(this.idleTimeoutMs / 1000)} s`, true));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (this.options.signal?.aborted) reject(cancelled());
        else if (e instanceof AttemptError) reject(e);
        else {
          const refused = e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN';
          reject(new AttemptError(`${e.code ?? 'network error'}: ${e.message}`, !refused && sentAny));
        }
      });
      req.on('socket', () => {
        sentAny = true;
      });
      if (!body) {
        req.end();
        return;
      }
      let written = 0;
      const source = body.stream();
      source.on('data', (chunk: Buffer) => {
        written += chunk.length;
        body.onProgress?.(Math.min(1, written / body.length));
      });
      source.on('error', (e) => req.destroy(new AttemptError(`could not read the bundle (${e.message})`, false)));
      source.pipe(req);
    });
  }

  private async json<T>(res: RawResponse, schema: z.ZodType<T>, what: string): Promise<T> {
    this.checkStatus(res, what);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      throw new AttemptError(`the publish service answered ${what} with something that is not JSON`, true, res.status);
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw new AttemptError(`the publish service's answer to ${what} has an unexpected shape`, true, res.status);
    return checked.data;
  }

  private checkStatus(res: RawResponse, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 401 || res.status === 403) {
      throw new KilnError(
        'FORBIDDEN',
        'The publish service rejected your API key. Enter a new key to publish.',
        `HTTP ${res.status} on ${what}`,
        'publish-key-rejected',
      );
    }
    const detail = detailOf(res.text);
    if (res.status >= 500) throw new AttemptError(`the publish service failed (HTTP ${res.status}${detail ? `: ${detail}` : ''})`, true, res.status);
    if (res.status === 404) throw new KilnError('NOT_FOUND', `The publish service does not know this report (${what}).`, `HTTP 404${detail ? `: ${detail}` : ''}`);
    if (res.status === 413) throw new KilnError('VALIDATION', 'The publish service refused the bundle as too large.', `HTTP 413${detail ? `: ${detail}` : ''}`);
    throw new KilnError('EXTERNAL', `The publish service refused ${what} (HTTP ${res.status}).`, detail || undefined);
  }

  /** Runs `attempt` with retries on network errors, timeouts and 5xx; `beforeRetry` may end early. */
  private async withRetries<T>(
    what: string,
    attempt: () => Promise<T>,
    hooks: { onRetry?: (n: number, reason: string) => void; beforeRetry?: (e: AttemptError) => Promise<T | null> } = {},
  ): Promise<T> {
    let last: AttemptError | null = null;
    for (let n = 0; n <= this.retries; n++) {
      if (n > 0) {
        hooks.onRetry?.(n, last?.message ?? '');
        await this.sleep(this.retryDelayMs * 2 ** (n - 1));
      }
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        last = error;
        const settled = hooks.beforeRetry ? await hooks.beforeRetry(error) : null;
        if (settled !== null) return settled;
      }
    }
    throw new KilnError(
      last?.status ? 'EXTERNAL' : 'UNAVAILABLE',
      `Could not reach the publish service to ${what} after ${this.retries + 1} attempts. Check your connection and the publish URL, then try again.`,
      last?.message,
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.options.signal;
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async upload(req: UploadRequest, hooks: UploadHooks = {}): Promise<UploadResponse & { adopted?: boolean }> {
    const prefix = Buffer.from('{"file_payload":"');
    const suffix = Buffer.from(`",${JSON.stringify(req.fields).slice(1)}`);
    const length = prefix.length + 4 * Math.ceil(req.zipBytes / 3) + suffix.length;
    const stream = (): Readable => Readable.from(bodyChunks(prefix, req.zipFile, suffix));
    const isUpdate = typeof req.fields.report_id === 'string';
    return this.withRetries(
      'publish',
      async () => this.json(await this.send('POST', '/upload', { length, stream, onProgress: hooks.onProgress }), uploadResponseSchema, 'the upload'),
      {
        onRetry: hooks.onRetry,
        beforeRetry: async (error) => {
          // An update re-sends the same report_id: the service replaces, never duplicates.
          if (isUpdate || !error.maybeReceived) return null;
          let reports: z.infer<typeof listSchema>['reports'];
          try {
            reports = (await this.json(await this.send('GET', '/list'), listSchema, 'the report list')).reports;
          } catch (e) {
            if (e instanceof KilnError) throw e;
            throw new KilnError(
              'UNAVAILABLE',
              'The upload may have reached the publish service, but Kiln could not check, so it did not send it again (that could create a second report). Try again in a moment.',
              `${error.message}; then /list: ${(e as Error).message}`,
            );
          }
          const landed = reports.find((r) => r.md5 === req.md5);
          if (!landed) return null;
          return { report_id: landed.report_id, view_url: landed.view_url ?? '', md5: req.md5, version: null, adopted: true };
        },
      },
    );
  }

  async list(): Promise<z.infer<typeof listSchema>['reports']> {
    return this.withRetries('list your reports', async () => (await this.json(await this.send('GET', '/list'), listSchema, 'the report list')).reports);
  }

  async remove(reportId: string): Promise<void> {
    await this.withRetries('unpublish', async () => {
      const res = await this.send('DELETE', `/delete/${encodeURIComponent(reportId)}`);
      this.checkStatus(res, 'unpublish');
    });
  }

  async versions(reportId: string): Promise<RemoteVersion[]> {
    return this.withRetries('list versions', async () =>
      (await this.json(await this.send('GET', `/versions/${encodeURIComponent(reportId)}`), versionsSchema, 'the version list')).versions,
    );
  }

  async activate(reportId: string, md5: string): Promise<void> {
    const body = Buffer.from(JSON.stringify({ md5 }));
    await this.withRetries('roll back', async () => {
      const res = await this.send('POST', `/activate/${encodeURIComponent(reportId)}`, { length: body.length, stream: () => Readable.from([body]) });
      this.checkStatus(res, 'the rollback');
    });
  }
}

/** `prefix`, then the file as base64 (3-byte aligned chunks, so the pieces join cleanly), then `suffix`. */
async function* bodyChunks(prefix: Buffer, file: string, suffix: Buffer): AsyncGenerator<Buffer> {
  yield prefix;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 3 * 64 * 1024 })) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const usable = data.length - (data.length % 3);
    if (usable > 0) yield Buffer.from(data.subarray(0, usable).toString('base64'));
    carry = Buffer.from(data.subarray(usable));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'));
  yield suffix;
}

function detailOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; error?: unknown; message?: unknown };
    const d = parsed.detail ?? parsed.error ?? parsed.message;
    if (typeof d === 'string') return d.slice(0, 300);
  } catch {
    // Not JSON: fall through to a short plain-text excerpt.
  }
  return text.slice(0, 200);
}
