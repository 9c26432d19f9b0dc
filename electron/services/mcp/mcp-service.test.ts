/**
 * The MCP service with real servers from npm (@modelcontextprotocol/server-everything over
 * stdio and streamable HTTP), a misbehaving SDK server, the real keychain (run inside
 * scripts/with-keyring.sh) and real processes.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive } from '../backends/process-group';
import { McpPidFile } from './pid-file';
import { EVERYTHING, MISBEHAVING, mcpHarness, startEverythingHttp, stdioServer, until, type McpHarness } from './testing';

let h: McpHarness;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await h?.cleanup();
  for (const stop of stops.splice(0)) await stop();
});

const ctx = (signal = new AbortController().signal) => ({ conversationId: 'c-1', turnId: 't-1', callId: 'call-1', signal });
const connected = (name: string) => async () => (await h.service.list()).find((s) => s.name === name && s.state === 'connected');

describe('MCP servers', () => {
  it('lists the tools of a stdio server, started with the minimal child environment plus its own variables', async () => {
    h = await mcpHarness({ hostEnv: { PATH: process.env.PATH, HOME: '/home/someone', KILN_WORKSPACE: '/private', AWS_SECRET_ACCESS_KEY: 'nope' } });
    await h.service.start();
    await h.service.save(stdioServer('everything', EVERYTHING, { env: [{ name: 'REGION', secret: false, value: 'eu' }] }));
    const view = await until(connected('everything'), 'everything to connect');
    expect(view.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-env', 'get-sum']));
    expect(view.tools.every((t) => t.permission === 'ask')).toBe(true);

    await h.service.setPermission('everything', 'get-env', 'always');
    const out = await h.service.callForAgent('everything__get-env', {}, ctx());
    expect(out.success).toBe(true);
    const env = JSON.parse(out.message) as Record<string, string>;
    expect(env.REGION).toBe('eu');
    expect(env.HOME).toBe('/home/someone');
    expect(env.KILN_WORKSPACE).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it('lists and calls the tools of a streamable HTTP server, with its headers', async () => {
    const server = await startEverythingHttp();
    stops.push(server.stop);
    h = await mcpHarness();
    await h.service.start();
    await h.service.save({ ...stdioServer('remote', EVERYTHING), transport: 'http', command: '', args: [], url: server.url, headers: [{ name: 'Authorization', secret: true, value: 'Bearer remote-token-123456' }] });
    const view = await until(connected('remote'), 'the HTTP server to connect');
    expect(view.tools.length).toBeGreaterThan(5);
    expect(view.headers).toEqual([{ name: 'Authorization', secret: true, value: '', set: true }]);
    await h.service.setPermission('remote', 'echo', 'always');
    const out = await h.service.callForAgent('remote__echo', { message: 'over http' }, ctx());
    expect(out).toMatchObject({ success: true, server: 'remote' });
    expect(out.message).toContain('over http');
    // The header value is in the keychain, not in the settings file.
    const file = await fs.readFile(path.join(h.userData, 'mcp-servers.json'), 'utf8');
    expect(file).not.toContain('remote-token-123456');
    expect(await h.keychain.get('mcp.remote.header.Authorization')).toBe('Bearer remote-token-123456');
  });

  it('an HTTP server that went away gives a clear error; once it is back, the next call reconnects', async () => {
    const first = await startEverythingHttp();
    stops.push(first.stop);
    h = await mcpHarness();
    await h.service.start();
    await h.service.save({ ...stdioServer('remote', EVERYTHING), transport: 'http', command: '', args: [], url: first.url });
    await until(connected('remote'), 'connect');
    await h.service.setPermission('remote', 'echo', 'always');
    await first.stop();
    const down = await h.service.callForAgent('remote__echo', { message: 'anyone?' }, ctx());
    expect(down.success).toBe(false);
    expect(down.message).toMatch(/The MCP server "remote" failed to run echo: .+/);
    expect((await h.service.list())[0]!.state).toBe('error');

    const second = await startEverythingHttp(first.port);
    stops.push(second.stop);
    const back = await h.service.callForAgent('remote__echo', { message: 'back again' }, ctx());
    expect(back).toMatchObject({ success: true });
    expect(back.message).toContain('back again');
  });

  it('a server that is not reachable shows a clear last error', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('ghost', EVERYTHING, { command: '/no/such/command-kiln' }));
    const view = await until(async () => (await h.service.list()).find((s) => s.state === 'error'), 'the error state');
    expect(view.lastError).toContain('/no/such/command-kiln');
    expect(view.lastError).toContain('not found');
  });

  it('a hanging tool times out with a clear error, and the server still answers the next call', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING, { timeoutSec: 1 }));
    await until(connected('bad'), 'connect');
    for (const t of ['hang', 'fail', 'huge', 'garbage', 'env']) await h.service.setPermission('bad', t, 'always');
    const started = Date.now();
    const hung = await h.service.callForAgent('bad__hang', {}, ctx());
    expect(hung.success).toBe(false);
    expect(hung.message).toMatch(/did not answer hang within 1 s/);
    expect(Date.now() - started).toBeLessThan(5000);
    const failed = await h.service.callForAgent('bad__fail', {}, ctx());
    expect(failed).toMatchObject({ success: false, message: 'bad__fail reported an error: the table does not exist' });
  });

  it('caps a huge result with a note', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING));
    await until(connected('bad'), 'connect');
    await h.service.setPermission('bad', 'huge', 'always');
    const out = await h.service.callForAgent('bad__huge', { chars: 3_000_000 }, ctx());
    expect(out.success).toBe(true);
    expect(out.truncated).toBe(true);
    expect(out.message.length).toBeLessThan(17_000);
    expect(out.message.startsWith('STARTxxx')).toBe(true);
    expect(out.message.endsWith('xxxEND')).toBe(true);
    expect(out.message).toContain('MCP result cut: the tool returned 3,000,008 characters');
  });

  it('a reply that is not JSON fails the call at once with a clear error', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING, { timeoutSec: 60 }));
    await until(connected('bad'), 'connect');
    await h.service.setPermission('bad', 'garbage', 'always');
    const started = Date.now();
    const out = await h.service.callForAgent('bad__garbage', {}, ctx());
    expect(out.success).toBe(false);
    expect(out.message).toContain('sent a reply that is not valid JSON-RPC');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a server killed mid-call gives a clear error, and the next call starts it again', async () => {
    h = await mcpHarness({ connection: { backoffMs: () => 60_000, maxRestarts: 3 } });
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING));
    await until(connected('bad'), 'connect');
    for (const t of ['hang', 'env']) await h.service.setPermission('bad', t, 'always');
    const pids = McpPidFile.in(h.userData);
    const [entry] = await until(async () => {
      const list = await pids.read();
      return list.length === 1 ? list : undefined;
    }, 'the pid to be recorded');
    const call = h.service.callForAgent('bad__hang', {}, ctx());
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-entry!.pid, 'SIGKILL');
    const out = await call;
    expect(out.success).toBe(false);
    expect(out.message).toMatch(/stopped while (running hang|working)/);
    expect(out.message).toContain('SIGKILL');
    expect((await h.service.list())[0]!.state).toBe('error');

    const again = await h.service.callForAgent('bad__env', {}, ctx());
    expect(again.success).toBe(true);
    expect((await h.service.list())[0]!.state).toBe('connected');
  });

  it('restarts a crashed server with backoff, by itself', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING));
    await until(connected('bad'), 'connect');
    await h.service.setPermission('bad', 'crash', 'always');
    const out = await h.service.callForAgent('bad__crash', {}, ctx());
    expect(out.success).toBe(false);
    expect(out.message).toContain('code 3');
    const back = await until(async () => (await h.service.list()).find((s) => s.state === 'connected' && s.restarts === 1), 'the restart');
    expect(back.lastError).toBeNull();
  });

  it('stops every server with its process group on quit, and reaps one a crashed Kiln left', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('bad', MISBEHAVING));
    await until(connected('bad'), 'connect');
    const pids = McpPidFile.in(h.userData);
    const [entry] = await until(async () => ((await pids.read()).length === 1 ? pids.read() : undefined), 'pid');
    await h.service.stopAll();
    expect(groupAlive(entry!.pid)).toBe(false);
    await until(async () => (await pids.read()).length === 0, 'the pid file to empty');

    // A server whose Kiln died: detached, recorded with an owner that no longer runs.
    const orphan = spawn(process.execPath, [MISBEHAVING], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((r) => orphan.once('spawn', r));
    const deadOwner = spawn('true');
    await new Promise((r) => deadOwner.once('exit', r));
    await pids.add('bad', orphan.pid!);
    const file = path.join(h.userData, 'state', 'mcp-servers.pids.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as { servers: { ownerPid: number }[] };
    data.servers[0]!.ownerPid = deadOwner.pid!;
    await fs.writeFile(file, JSON.stringify(data));
    const reaped = await pids.reapOrphans();
    expect(reaped.map((e) => e.pid)).toEqual([orphan.pid]);
    expect(groupAlive(orphan.pid!)).toBe(false);
  });

  it('imports an mcpServers file: secrets to the keychain, bad entries skipped with a reason', async () => {
    h = await mcpHarness();
    await h.service.start();
    const text = JSON.stringify({
      mcpServers: {
        everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], env: { GITHUB_TOKEN: 'ghp_imported_secret_value_1', REGION: 'eu' } },
        'my remote': { url: 'http://127.0.0.1:9/mcp', headers: { 'X-Api-Key': 'imported-header-key-42' }, disabled: true },
        old: { type: 'sse', url: 'http://127.0.0.1:9/sse' },
        broken: { args: ['x'] },
      },
    });
    const result = await h.service.import(text);
    expect(result.added).toEqual(['everything', 'my-remote']);
    expect(result.skipped.map((s) => s.name)).toEqual(['old', 'broken']);
    expect(result.skipped[0]!.reason).toContain('SSE');
    const list = await h.service.list();
    expect(list.find((s) => s.name === 'everything')!.env).toEqual([
      { name: 'GITHUB_TOKEN', secret: true, value: '', set: true },
      { name: 'REGION', secret: false, value: 'eu', set: true },
    ]);
    expect(list.find((s) => s.name === 'my-remote')).toMatchObject({ transport: 'http', enabled: false, state: 'disabled' });
    const file = await fs.readFile(path.join(h.userData, 'mcp-servers.json'), 'utf8');
    expect(file).not.toContain('ghp_imported_secret_value_1');
    expect(file).not.toContain('imported-header-key-42');
    // Importing the same file again adds nothing.
    expect((await h.service.import(text)).added).toEqual([]);
    await expect(h.service.import('{"mcpServers": ')).rejects.toThrow(/not valid JSON/);
    await expect(h.service.import('{"servers": 3}')).rejects.toThrow(/No "mcpServers"/);
  });

  it('a credential typed with the Secret box unticked still goes to the keychain, not the settings file', async () => {
    h = await mcpHarness();
    await h.service.start();
    const env = [
      { name: 'PGPASSWORD', secret: false, value: 'typed-in-clear-7731' },
      { name: 'DB', secret: false, value: 'postgresql://me:pw-in-url-5521@db/x' },
      { name: 'REGION', secret: false, value: 'eu' },
    ];
    const view = await h.service.save(stdioServer('typed', EVERYTHING, { env, enabled: false }));
    expect(view.env.map((v) => [v.name, v.secret, v.set, v.value])).toEqual([
      ['PGPASSWORD', true, true, ''],
      ['DB', true, true, ''],
      ['REGION', false, true, 'eu'],
    ]);
    const file = await fs.readFile(path.join(h.userData, 'mcp-servers.json'), 'utf8');
    expect(file).not.toContain('typed-in-clear-7731');
    expect(file).not.toContain('pw-in-url-5521');
  });

  it('loads the servers of KILN_MCP_CONFIG for this run, read-only, with their secrets scrubbed', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-mcp-env-'));
    stops.push(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'claude_desktop_config.json');
    await fs.writeFile(file, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], env: { API_TOKEN: 'env-file-token-987654' } } } }));
    h = await mcpHarness({ env: { KILN_MCP_CONFIG: file } });
    expect(await h.service.start()).toEqual([]);
    const view = await until(connected('everything'), 'connect');
    expect(view.source).toBe('environment');
    await expect(h.service.delete('everything')).rejects.toThrow(/KILN_MCP_CONFIG/);
    await h.service.setPermission('everything', 'get-env', 'always');
    const out = await h.service.callForAgent('everything__get-env', {}, ctx());
    expect(h.scrubber.scrub(out.message)).toContain('"API_TOKEN": "[MCP_EVERYTHING_ENV_API_TOKEN]"');
    expect(await fs.readFile(path.join(h.userData, 'mcp-servers.json'), 'utf8').catch(() => '')).not.toContain('env-file-token');
  });

  it('a KILN_MCP_CONFIG file that is missing or broken is a warning, and Kiln starts', async () => {
    h = await mcpHarness({ env: { KILN_MCP_CONFIG: '/no/such/mcp.json' } });
    const [missing] = await h.service.start();
    expect(missing!.message).toContain('KILN_MCP_CONFIG names /no/such/mcp.json, which Kiln could not read');
    await h.cleanup();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-mcp-env-'));
    stops.push(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.writeFile(path.join(dir, 'bad.json'), '{"mcpServers": ');
    h = await mcpHarness({ env: { KILN_MCP_CONFIG: path.join(dir, 'bad.json') } });
    const [broken] = await h.service.start();
    expect(broken!.message).toMatch(/could not be used: That is not valid JSON/);
    expect(await h.service.list()).toEqual([]);
  });

  it('renaming a server moves its secrets; removing it deletes them', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('one', MISBEHAVING, { enabled: false, env: [{ name: 'DB_PASSWORD', secret: true, value: 'pw-rename-123' }] }));
    await h.service.save(stdioServer('two', MISBEHAVING, { enabled: false, env: [{ name: 'DB_PASSWORD', secret: true }] }), 'one');
    expect(await h.keychain.get('mcp.one.env.DB_PASSWORD')).toBeNull();
    expect(await h.keychain.get('mcp.two.env.DB_PASSWORD')).toBe('pw-rename-123');
    await expect(h.service.save(stdioServer('two', MISBEHAVING))).rejects.toThrow(/exists already/);
    await h.service.delete('two');
    expect(await h.keychain.accounts()).toEqual([]);
    expect(await h.service.list()).toEqual([]);
  });

  it('two quick saves of a new server (a double click) keep one server, the second refused', async () => {
    h = await mcpHarness();
    await h.service.start();
    const results = await Promise.allSettled([
      h.service.save(stdioServer('twice', MISBEHAVING, { enabled: false })),
      h.service.save(stdioServer('twice', MISBEHAVING, { enabled: false })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/exists already/);
    expect((await h.service.list()).map((s) => s.name)).toEqual(['twice']);
  });
});
