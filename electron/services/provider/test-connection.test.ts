/** The real openai SDK against real HTTP servers on 127.0.0.1 speaking the OpenAI wire format. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testProviderConnection } from './test-connection';

const servers: http.Server[] = [];
const seenAuth: (string | undefined)[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  seenAuth.length = 0;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const KEY = 'sk-test-abcdefghijklmnopqrstuvwxyz';

function openAiLike(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/v1/models' && req.method === 'GET') {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-b', object: 'model' }, { id: 'gpt-a', object: 'model' }] }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"message":"not found"}}');
}

describe('testProviderConnection', () => {
  it('lists the models with the stored key', async () => {
    const base = await serve(openAiLike);
    const result = await testProviderConnection({ baseUrl: `${base}/v1/`, apiKey: KEY });
    expect(result).toEqual({ baseUrl: `${base}/v1`, models: ['gpt-a', 'gpt-b'], usedApiKey: true });
    expect(seenAuth).toEqual([`Bearer ${KEY}`]);
  });

  it('says the key was rejected on 401, without echoing the key', async () => {
    const base = await serve(openAiLike);
    const err = await testProviderConnection({ baseUrl: `${base}/v1`, apiKey: 'sk-wrong-key-0000000000000000000' }).then(() => null, (e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'EXTERNAL', message: 'The provider rejected the API key (401). Set a new key in Settings → Provider.' });
    expect(JSON.stringify(err)).not.toContain('sk-wrong');
    const noKey = testProviderConnection({ baseUrl: `${base}/v1`, apiKey: null });
    await expect(noKey).rejects.toMatchObject({ message: expect.stringContaining('needs an API key') });
  });

  it('says the server is unreachable when nothing listens', async () => {
    const base = await serve(openAiLike);
    await new Promise((r) => servers.pop()?.close(r));
    await expect(testProviderConnection({ baseUrl: `${base}/v1`, apiKey: null })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('Could not reach'),
    });
  });

  it('says when the URL is not an OpenAI-compatible API (404, HTML, odd JSON)', async () => {
    const base = await serve(openAiLike);
    await expect(testProviderConnection({ baseUrl: base, apiKey: KEY })).rejects.toMatchObject({
      code: 'EXTERNAL',
      message: expect.stringMatching(/not an OpenAI-compatible API \(GET \/models answered 404\)\. The base URL usually ends in \/v1\./),
    });
    const html = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>My router</title>');
    });
    await expect(testProviderConnection({ baseUrl: `${html}/v1`, apiKey: null })).rejects.toMatchObject({
      code: 'EXTERNAL',
      message: expect.stringContaining('not like an OpenAI-compatible API'),
    });
    const odd = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await expect(testProviderConnection({ baseUrl: `${odd}/v1`, apiKey: null })).rejects.toMatchObject({ code: 'EXTERNAL' });
  });

  it('refuses a malformed URL and a key embedded in the URL before any request', async () => {
    await expect(testProviderConnection({ baseUrl: 'localhost:11434', apiKey: null })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(testProviderConnection({ baseUrl: 'ftp://x/v1', apiKey: null })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(testProviderConnection({ baseUrl: 'https://user:secret@example.com/v1', apiKey: null })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'Put the API key in the API key field, not in the base URL.',
    });
  });
});
