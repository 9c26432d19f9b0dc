/**
 * Secrets inside a stdio MCP server's arguments, with the real keychain (run inside
 * scripts/with-keyring.sh), a real SDK server that reports the argv it was started with, and
 * the real settings file.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import type { McpServerView } from '../../../shared/contract/mcp';
import { commandLineOf, groupAlive } from '../backends/process-group';
import { McpPidFile } from './pid-file';
import { MISBEHAVING, mcpHarness, stdioServer, until, type McpHarness } from './testing';

let h: McpHarness;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await h?.cleanup();
  for (const c of cleanups.splice(0)) await c();
});

const ctx = () => ({ conversationId: 'c-1', turnId: 't-1', callId: 'call-1', signal: new AbortController().signal });
const connected = (name: string) => async () => (await h.service.list()).find((s) => s.name === name && s.state === 'connected');
const settingsFile = () => fs.readFile(path.join(h.userData, 'mcp-servers.json'), 'utf8');

/** The argv the running server got, through its `argv` tool. */
async function argvOf(server: string): Promise<{ raw: string; argv: string[] }> {
  await h.service.setPermission(server, 'argv', 'always');
  const out = await h.service.callForAgent(`${server}__argv`, {}, ctx());
  expect(out.success).toBe(true);
  return { raw: out.message, argv: JSON.parse(out.message) as string[] };
}

const ARGS = [
  'postgresql://shop:url-pass-8841@db.example/shop',
  '--api-key=sk-flag-5512',
  '--token',
  'tok-next-7730',
  '--token-file',
  '/run/secrets/not-a-secret',
  'plain',
];

/** A server as a settings file from before secret arguments stored it: every argument in clear. */
const legacy = { name: 'legacy', transport: 'stdio', command: process.execPath, args: [MISBEHAVING, ...ARGS], cwd: '', url: '', env: [], headers: [], enabled: true, timeoutSec: 30 };

describe('secret MCP arguments', () => {
  it('keeps credential arguments in the keychain: not in the file nor the view; the server gets them, results are scrubbed', async () => {
    h = await mcpHarness();
    await h.service.start();
    const view = await h.service.save(stdioServer('pg', MISBEHAVING, { args: [MISBEHAVING, ...ARGS] }));
    expect(view.args).toEqual([MISBEHAVING, 'postgresql://shop:••••@db.example/shop', '--api-key=••••', '--token', '••••', '--token-file', '/run/secrets/not-a-secret', 'plain']);
    const file = await settingsFile();
    for (const secret of ['url-pass-8841', 'sk-flag-5512', 'tok-next-7730']) expect(file).not.toContain(secret);
    expect(file).toContain('/run/secrets/not-a-secret');
    expect(Object.fromEntries(await Promise.all(['url', 'api-key', 'token'].map(async (k) => [k, await h.keychain.get(`mcp.pg.arg.${k}`)])))).toEqual({
      url: 'url-pass-8841',
      'api-key': 'sk-flag-5512',
      token: 'tok-next-7730',
    });

    await until(connected('pg'), 'the server to connect');
    const { raw, argv } = await argvOf('pg');
    expect(argv).toEqual(ARGS);
    // What the model and the chat see: the values the server echoes are scrubbed by name.
    const scrubbed = h.scrubber.scrub(raw);
    expect(scrubbed).toContain('postgresql://shop:[MCP_PG_ARG_URL]@db.example/shop');
    expect(scrubbed).toContain('--api-key=[MCP_PG_ARG_API_KEY]');
    expect(scrubbed).not.toContain('tok-next-7730');
    // Nothing the page gets carries them, nor the pid file (it keeps a hash of the command line).
    const everything = JSON.stringify(await h.service.list());
    for (const secret of ['url-pass-8841', 'sk-flag-5512', 'tok-next-7730']) expect(everything).not.toContain(secret);
    const pids = await until(async () => {
      const text = await fs.readFile(path.join(h.userData, 'state', 'mcp-servers.pids.json'), 'utf8').catch(() => '');
      return text.includes('"pid"') ? text : undefined;
    }, 'the pid file');
    expect(pids).not.toContain('sk-flag-5512');
    expect(pids).toContain('commandHash');
  });

  it('the form keeps a masked argument, replaces a retyped one; a rename moves the secrets, a delete removes them', async () => {
    h = await mcpHarness();
    await h.service.start();
    const first = await h.service.save(stdioServer('pg', MISBEHAVING, { args: [MISBEHAVING, ...ARGS], enabled: false }));
    // Sent back as shown (the form does that), but --api-key retyped and the server renamed.
    const args = first.args.map((a) => (a === '--api-key=••••' ? '--api-key=sk-new-6060' : a));
    const second = await h.service.save(stdioServer('shop', MISBEHAVING, { args, enabled: true }), 'pg');
    expect(second.args).toEqual(first.args);
    expect((await h.keychain.accounts()).sort()).toEqual(['mcp.shop.arg.api-key', 'mcp.shop.arg.token', 'mcp.shop.arg.url']);
    expect(await h.keychain.get('mcp.shop.arg.api-key')).toBe('sk-new-6060');
    await until(connected('shop'), 'the renamed server to connect');
    expect((await argvOf('shop')).argv).toEqual([ARGS[0], '--api-key=sk-new-6060', ...ARGS.slice(2)]);

    // A masked argument changed around its mask can't be resolved: a clear error, nothing lost.
    const edited = second.args.map((a) => a.replace('db.example', 'db2.example'));
    await expect(h.service.save(stdioServer('shop', MISBEHAVING, { args: edited }), 'shop')).rejects.toThrow(
      'The argument "postgresql://shop:••••@db2.example/shop" shows •••• (a secret kept in the keychain) but is not as Kiln showed it.',
    );
    expect(await h.keychain.get('mcp.shop.arg.url')).toBe('url-pass-8841');
    // Dropping the argument deletes its keychain entry.
    await h.service.save(stdioServer('shop', MISBEHAVING, { args: second.args.filter((a) => !a.startsWith('--api-key')), enabled: false }), 'shop');
    expect(await h.keychain.get('mcp.shop.arg.api-key')).toBeNull();

    await h.service.delete('shop');
    expect(await h.keychain.accounts()).toEqual([]);
  });

  it('an old settings file with a secret argument in clear is moved to the keychain at start', async () => {
    h = await mcpHarness();
    const old = { version: 1, servers: [legacy], permissions: { legacy: { argv: 'always' } } };
    await fs.writeFile(path.join(h.userData, 'mcp-servers.json'), JSON.stringify(old, null, 2));
    expect(await h.service.start()).toEqual([]);
    const file = await settingsFile();
    for (const secret of ['url-pass-8841', 'sk-flag-5512', 'tok-next-7730']) expect(file).not.toContain(secret);
    expect(JSON.parse(file).permissions).toEqual({ legacy: { argv: 'always' } });
    expect(await h.keychain.get('mcp.legacy.arg.api-key')).toBe('sk-flag-5512');
    await until(connected('legacy'), 'the migrated server to connect');
    expect((await argvOf('legacy')).argv).toEqual(ARGS);
  });

  it('an old file whose secret argument cannot reach the keychain (locked): a warning, the file kept, the server still runs', async () => {
    const locked = {
      get: async () => null,
      set: async () => {
        throw new KilnError('UNAVAILABLE', 'The OS keychain is locked.');
      },
      delete: async () => false,
      accounts: async () => [],
    };
    h = await mcpHarness({ secrets: locked });
    await fs.writeFile(path.join(h.userData, 'mcp-servers.json'), JSON.stringify({ version: 1, servers: [legacy], permissions: { legacy: { argv: 'always' } } }));
    const [problem, ...more] = await h.service.start();
    expect(more).toEqual([]);
    expect(problem!.message).toBe(
      'The MCP server "legacy" has a secret in its arguments that Kiln could not move to the keychain, so it is still in mcp-servers.json. Check the keychain, then save the server again in Settings → Tools.',
    );
    expect(problem!.details).toContain('keychain is locked');
    expect(await settingsFile()).toContain('sk-flag-5512');
    await until(connected('legacy'), 'the server to connect');
    expect((await argvOf('legacy')).argv).toEqual(ARGS);
  });

  it('the reaper still stops an orphan an older Kiln recorded with its command line in clear', async () => {
    h = await mcpHarness();
    const orphan = spawn(process.execPath, [MISBEHAVING, '--api-key=sk-orphan-3141'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    cleanups.push(async () => void (groupAlive(orphan.pid!) && process.kill(-orphan.pid!, 'SIGKILL')));
    await new Promise((r) => orphan.once('spawn', r));
    const deadOwner = spawn('true');
    await new Promise((r) => deadOwner.once('exit', r));
    const file = path.join(h.userData, 'state', 'mcp-servers.pids.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    const entry = { server: 'old', pid: orphan.pid, commandLine: await commandLineOf(orphan.pid!), ownerPid: deadOwner.pid, startedAt: new Date().toISOString() };
    await fs.writeFile(file, JSON.stringify({ servers: [entry] }));
    expect((await McpPidFile.in(h.userData).reapOrphans()).map((e) => e.pid)).toEqual([orphan.pid]);
    expect(groupAlive(orphan.pid!)).toBe(false);
    expect(await fs.readFile(file, 'utf8')).not.toContain('sk-orphan-3141');
  });

  it("an old entry another running Kiln still owns is kept, rewritten without its command line in clear", async () => {
    h = await mcpHarness();
    const file = path.join(h.userData, 'state', 'mcp-servers.pids.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    const commandLine = [process.execPath, MISBEHAVING, '--api-key=sk-kept-2718'];
    const entry = { server: 'theirs', pid: 999_999, commandLine, ownerPid: process.ppid, startedAt: new Date().toISOString() };
    await fs.writeFile(file, JSON.stringify({ servers: [entry] }));
    expect(await McpPidFile.in(h.userData).reapOrphans()).toEqual([]);
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('sk-kept-2718');
    expect(JSON.parse(text).servers).toEqual([expect.objectContaining({ server: 'theirs', pid: 999_999, commandHash: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('a secret argument missing from the keychain: the status line says so', async () => {
    h = await mcpHarness();
    await h.service.start();
    await h.service.save(stdioServer('pg', MISBEHAVING, { args: [MISBEHAVING, '--api-key', 'sk-gone-1234'], enabled: false }));
    await h.keychain.delete('mcp.pg.arg.api-key');
    await h.service.setEnabled('pg', true);
    const view = await until(async () => (await h.service.list()).find((s): s is McpServerView => s.state === 'error'), 'the error');
    expect(view.lastError).toContain('The secret in argument 3 (••••) of the MCP server "pg" is not in the keychain. Edit the server in Settings → Tools and type that argument again in full.');
  });

  it('import and KILN_MCP_CONFIG apply the same rule', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-mcp-args-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const config = JSON.stringify({ mcpServers: { pg: { command: process.execPath, args: [MISBEHAVING, ...ARGS] } } });
    await fs.writeFile(path.join(dir, 'mcp.json'), config);
    h = await mcpHarness({ env: { KILN_MCP_CONFIG: path.join(dir, 'mcp.json') } });
    expect(await h.service.start()).toEqual([]);
    const fromEnv = await until(connected('pg'), 'the KILN_MCP_CONFIG server to connect');
    expect(fromEnv.args).toContain('--api-key=••••');
    const { raw, argv } = await argvOf('pg');
    expect(argv).toEqual(ARGS);
    expect(h.scrubber.scrub(raw)).not.toMatch(/url-pass-8841|sk-flag-5512|tok-next-7730/);
    expect(await h.keychain.accounts()).toEqual([]);

    const imported = await h.service.import(config.replace('"pg"', '"pasted"'));
    expect(imported.added).toEqual(['pasted']);
    const file = await settingsFile();
    expect(file).toContain('pasted');
    for (const secret of ['url-pass-8841', 'sk-flag-5512', 'tok-next-7730']) expect(file).not.toContain(secret);
    expect((await h.keychain.accounts()).sort()).toEqual(['mcp.pasted.arg.api-key', 'mcp.pasted.arg.token', 'mcp.pasted.arg.url']);
  });
});
