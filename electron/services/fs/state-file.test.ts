/**
 * Kiln's own state — conversations, journals, settings, grants, thumbnails, pid files — is
 * mode 0600 in 0700 folders, so another account on the machine reads none of it. Each writer is
 * driven through its real method and the modes on disk are checked; files and folders an older
 * Kiln left wider are tightened on the next write (and folders at start).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore } from '../agent/conversation-store';
import { LiveReload } from '../backends/live-reload';
import { PidRegistry } from '../backends/pid-registry';
import { DeploymentState } from '../deploy/deploy-state';
import { DeployTargets } from '../deploy/targets';
import { GrantStore } from '../grants/grant-store';
import { McpConfigStore } from '../mcp/config-store';
import { McpPidFile } from '../mcp/pid-file';
import { PreviewServer } from '../preview/preview-server';
import { Thumbnails } from '../preview/thumbnails';
import { AppSandbox } from '../sandbox/app-sandbox';
import { SettingsStore } from '../settings/settings-store';
import { writeDatasources } from '../vault/datasource-file';
import { appendStateFile, createStateFile, ensureStateDir, tightenStateDirs, writeStateFile } from './state-file';

const posix = process.platform !== 'win32';
const modeOf = async (p: string): Promise<number> => (await fs.stat(p)).mode & 0o777;
/** 1x1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let root: string;
let ws: string;
let userData: string;
let kiln: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-state-modes-'));
  ws = path.join(root, 'workspace');
  userData = path.join(root, 'user-data');
  kiln = path.join(ws, '.kiln');
  await fs.mkdir(ws, { recursive: true, mode: 0o755 });
  await fs.mkdir(userData, { recursive: true, mode: 0o755 });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** The file is 0600 and every folder from `top` down to it is 0700. */
async function expectPrivate(file: string, top: string): Promise<void> {
  expect((await modeOf(file)).toString(8), file).toBe('600');
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    expect((await modeOf(d)).toString(8), d).toBe('700');
    if (d === top) break;
  }
}

describe.runIf(posix)('the state-file door', () => {
  it('creates files 0600 in 0700 folders even with a permissive umask, and leaves folders above the root alone', async () => {
    const old = process.umask(0);
    try {
      await writeStateFile(path.join(kiln, 'state', 'a.json'), '{}', kiln);
      await appendStateFile(path.join(kiln, 'state', 'b.jsonl'), 'x\n', kiln);
      await createStateFile(path.join(kiln, 'c', 'd.jsonl'), '', kiln);
    } finally {
      process.umask(old);
    }
    await expectPrivate(path.join(kiln, 'state', 'a.json'), kiln);
    await expectPrivate(path.join(kiln, 'state', 'b.jsonl'), kiln);
    await expectPrivate(path.join(kiln, 'c', 'd.jsonl'), kiln);
    expect((await modeOf(ws)).toString(8)).toBe('755');
  });

  it('tightens a file and folders left wider on the next write or append, keeping the content', async () => {
    await fs.mkdir(path.join(kiln, 'state'), { recursive: true, mode: 0o755 });
    await fs.chmod(kiln, 0o777);
    await fs.writeFile(path.join(kiln, 'state', 'journal.jsonl'), 'one\n', { mode: 0o644 });
    await fs.writeFile(path.join(kiln, 'state', 'x.json'), '{}', { mode: 0o666 });
    await appendStateFile(path.join(kiln, 'state', 'journal.jsonl'), 'two\n', kiln);
    await writeStateFile(path.join(kiln, 'state', 'x.json'), '{"a":1}', kiln);
    await expectPrivate(path.join(kiln, 'state', 'journal.jsonl'), kiln);
    await expectPrivate(path.join(kiln, 'state', 'x.json'), kiln);
    expect(await fs.readFile(path.join(kiln, 'state', 'journal.jsonl'), 'utf8')).toBe('one\ntwo\n');
  });

  it('at start, tightens the user-data folder and the workspace .kiln that exist, creating neither', async () => {
    await fs.mkdir(kiln, { mode: 0o755 });
    const missing = path.join(root, 'not-there');
    await tightenStateDirs([userData, kiln, missing]);
    expect((await modeOf(userData)).toString(8)).toBe('700');
    expect((await modeOf(kiln)).toString(8)).toBe('700');
    await expect(fs.stat(missing)).rejects.toThrow();
  });

  it('at start, never tightens a shared folder given as user data (HOME)', async () => {
    const home = path.join(root, 'home');
    await fs.mkdir(home, { mode: 0o755 });
    const before = process.env.HOME;
    process.env.HOME = home; // os.homedir() reads it: a stand-in HOME, so a regression can't close the real one
    try {
      await tightenStateDirs([home]);
    } finally {
      process.env.HOME = before;
    }
    expect((await modeOf(home)).toString(8)).toBe('755');
  });

  it('refuses a root outside the folder or a shared one (temp folder, HOME, /)', async () => {
    await expect(ensureStateDir(path.join(root, 'a'), path.join(root, 'b'))).rejects.toThrow(/not inside/);
    await expect(ensureStateDir(path.join(os.tmpdir(), 'kiln-x'), os.tmpdir())).rejects.toThrow(/not a state folder/);
    await expect(ensureStateDir('/', '/')).rejects.toThrow(/not a state folder/);
    expect((await modeOf(os.tmpdir())) & 0o777).not.toBe(0o700);
  });
});

describe.runIf(posix)('every state file Kiln writes is 0600 in 0700 folders', () => {
  it('conversation logs (*.jsonl) and their index.json', async () => {
    const store = new ConversationStore(() => ws);
    const id = await store.create('hello');
    await store.append(id, { type: 'conversation_created', title: 'again' } as never);
    await store.flushIndex();
    await expectPrivate(path.join(kiln, 'conversations', `${id}.jsonl`), kiln);
    await expectPrivate(path.join(kiln, 'conversations', 'index.json'), kiln);
  });

  it('the backends journal (backends.jsonl), after appends and compaction, and the legacy backends.json', async () => {
    const stateDir = path.join(kiln, 'state');
    const reg = new PidRegistry(() => stateDir);
    const id = await reg.intent({ slug: 'a', port: 1, python: '/usr/bin/python3', dir: ws, startedAt: new Date().toISOString() });
    await reg.pid(id, 123);
    await expectPrivate(path.join(stateDir, 'backends.jsonl'), stateDir);
    await reg.compact(new Set());
    await expectPrivate(path.join(stateDir, 'backends.jsonl'), stateDir);
    await PidRegistry.writeLegacy(stateDir, []);
    await expectPrivate(path.join(stateDir, 'backends.json'), stateDir);
  });

  it('settings.json, mcp-servers.json, the MCP pid file, deploy targets (user data)', async () => {
    const settings = new SettingsStore(userData);
    await settings.load();
    await settings.update({ ui: { firstRunDone: true } });
    await expectPrivate(path.join(userData, 'settings.json'), userData);

    const mcp = new McpConfigStore(userData);
    await mcp.load();
    await mcp.put({ name: 'files', transport: 'stdio', command: 'node', args: [], cwd: '', url: '', env: [], headers: [], enabled: false, timeoutSec: 30 });
    await expectPrivate(path.join(userData, 'mcp-servers.json'), userData);

    const pids = path.join(userData, 'state', 'mcp-servers.pids.json');
    await new McpPidFile(pids).add('files', 4242);
    await expectPrivate(pids, path.join(userData, 'state'));

    const targets = new DeployTargets({ file: path.join(userData, 'deploy-targets.json'), secrets: { get: async () => null, set: async () => undefined, delete: async () => undefined } as never });
    await targets.saveLocal({ baseImage: 'python:3.11-slim' });
    await expectPrivate(path.join(userData, 'deploy-targets.json'), userData);
    // window-state.json: electron/core/window-state.test.ts (services may not import core).
  });

  it('grants.json, datasources.json, deployments, live-reload.json, preview.json, thumbnails, the seccomp filter (workspace .kiln)', async () => {
    await new GrantStore(() => path.join(kiln, 'grants.json')).change('id-1', ['postgres-a'], true);
    await expectPrivate(path.join(kiln, 'grants.json'), kiln);

    await writeDatasources(ws, []);
    const dsFile = (await fs.readdir(kiln)).find((f) => f.startsWith('datasources'))!;
    await expectPrivate(path.join(kiln, dsFile), kiln);

    const deployments = path.join(kiln, 'deployments.json');
    await new DeploymentState(() => deployments).update(() => undefined);
    await expectPrivate(deployments, kiln);

    const live = new LiveReload({ onChanged: () => ({ dispose: () => undefined }), backends: { status: () => ({}) as never, liveRestart: async () => ({}) as never }, stateFile: () => path.join(kiln, 'state', 'live-reload.json') });
    await live.setEnabled('a', false);
    await expectPrivate(path.join(kiln, 'state', 'live-reload.json'), kiln);
    live.dispose();

    const preview = new PreviewServer({ artifacts: { list: async () => [] } as never, stateFile: path.join(kiln, 'state', 'preview.json') });
    await preview.start();
    await preview.close();
    await expectPrivate(path.join(kiln, 'state', 'preview.json'), kiln);

    await new Thumbnails({ workspaceDir: () => ws, idOf: async () => 'abc123' }).save('a', PNG);
    await expectPrivate(path.join(kiln, 'thumbnails', 'abc123.png'), kiln);
  });

  it.runIf(process.platform === 'linux')('the sandbox seccomp filter in .kiln/state', async () => {
    const stateDir = path.join(kiln, 'state');
    const sandbox = new AppSandbox({ mode: () => 'prefer', stateDir: () => stateDir, env: process.env, probe: async () => ({ available: true, tool: 'bwrap', path: '/usr/bin/bwrap' }) as never });
    await sandbox.wrap({ command: '/usr/bin/python3', cwd: ws, env: { PATH: '/usr/bin:/bin' }, writable: [ws], readOnly: [] });
    await expectPrivate(path.join(stateDir, 'sandbox-seccomp.bpf'), stateDir);
  });
});
