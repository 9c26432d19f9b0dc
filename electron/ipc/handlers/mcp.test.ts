/**
 * Every MCP endpoint through the real router, with the real keychain (run inside
 * scripts/with-keyring.sh) and a real server from npm: no output, error or event carries a
 * secret value of a server, and bad input gets a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../core/services';
import { EventBus } from '../../services/events/event-bus';
import { EVERYTHING, mcpHarness, stdioServer, until, type McpHarness } from '../../services/mcp/testing';
import { createRouter, type HandlerMap, type Router } from '../router';
import { mcpHandlers } from './mcp';

const SECRETS = { env: 'mcp-ipc-env-secret-123456', header: 'Bearer mcp-ipc-header-654321', imported: 'mcp-ipc-imported-token-777' };

let h: McpHarness;
let router: Router;
const outputs: unknown[] = [];

async function call(channel: string, input?: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }> {
  const result = (await router.call(channel, input, { transport: 'test' })) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  h = await mcpHarness();
  const events = new EventBus();
  events.subscribe((name, payload) => outputs.push({ event: name, payload }));
  h.service.onChanged((list) => events.emit('mcp.changed', list));
  h.service.onPermissions((pending) => events.emit('mcp.permissions', pending));
  await h.service.start();
  router = createRouter(mcpHandlers({ mcp: h.service } as unknown as Services) as HandlerMap, { scrub: (t) => h.scrubber.scrub(t) });
});

afterAll(async () => {
  await h.cleanup();
});

describe('mcp endpoints', () => {
  it('never return a secret value; refuse bad input with a sentence', async () => {
    const saved = await call('mcp.save', { server: stdioServer('everything', EVERYTHING, { env: [{ name: 'API_KEY', secret: true, value: SECRETS.env }] }) });
    expect(saved.ok).toBe(true);
    await until(async () => ((await call('mcp.list')).data as { state: string }[])[0]?.state === 'connected', 'connect');
    const remote = await call('mcp.save', {
      server: { ...stdioServer('remote', EVERYTHING), transport: 'http', command: '', args: [], url: 'http://127.0.0.1:9/mcp', enabled: false, headers: [{ name: 'Authorization', secret: true, value: SECRETS.header }] },
    });
    expect(remote.data).toMatchObject({ headers: [{ name: 'Authorization', secret: true, value: '', set: true }] });
    const imported = await call('mcp.import', { text: JSON.stringify({ mcpServers: { tickets: { url: 'http://127.0.0.1:9/mcp', headers: { 'X-Api-Key': SECRETS.imported }, disabled: true } } }) });
    expect(imported.data).toEqual({ added: ['tickets'], skipped: [] });
    await call('mcp.setPermission', { server: 'everything', tool: 'echo', permission: 'always' });
    await call('mcp.setEnabled', { name: 'remote', enabled: false });
    await call('mcp.restart', { name: 'everything' });
    expect((await call('mcp.permissions')).data).toEqual([]);

    // Bad input: a name the model couldn't use, a URL with credentials, an unknown server, a stale prompt.
    const badName = await call('mcp.save', { server: stdioServer('has space', EVERYTHING) });
    expect(badName.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('letters, digits and hyphens') });
    const badUrl = await call('mcp.save', { server: { ...stdioServer('u', EVERYTHING), transport: 'http', url: 'https://user:pw@example.com/mcp' } });
    expect(badUrl.error?.message).toContain('not in the URL');
    expect((await call('mcp.delete', { name: 'nobody' })).error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call('mcp.answerPermission', { id: 'p-gone', decision: 'once' })).error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call('mcp.import', { text: 'not json' })).error).toMatchObject({ code: 'VALIDATION' });

    await call('mcp.delete', { name: 'remote' });
    await call('mcp.list');
    const transcript = JSON.stringify(outputs);
    for (const value of Object.values(SECRETS)) expect(transcript).not.toContain(value);
    expect(transcript).toContain('mcp.changed');
  });
});
