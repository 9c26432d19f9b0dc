/**
 * Real OS keychain tests: run inside `scripts/with-keyring.sh` (a private D-Bus session with an
 * unlocked gnome-keyring), e.g. `scripts/with-keyring.sh npx vitest run electron/services/vault`.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { signalGroup } from '../backends/process-group';
import { Scrubber } from './scrubber';
import * as catalog from '../../../shared/vault/catalog';
import { API_KEY_ACCOUNT, connectionSlug, envPrefix, passwordAccount } from '../publish/ports';
import { ACCOUNTS, isCutOff, KeychainSecretStore, keychainUnavailable } from './secret-store';
import { Secrets, environmentOverlay, scrubNameFor } from './secrets';

const run = promisify(execFile);

function freshService(): string {
  return `KilnTest-${randomBytes(4).toString('hex')}`;
}

const HERE = __dirname.replace(/\\/g, '/');

/** Bundles a probe (TypeScript that imports this folder's modules by absolute path) to run in a child process. */
async function buildProbe(dir: string, name: string, source: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const entry = path.join(dir, `${name}.ts`);
  await fs.writeFile(entry, source);
  const outfile = path.join(dir, `${name}.cjs`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, external: ['@napi-rs/keyring'], nodePaths: [path.resolve('node_modules')], logLevel: 'silent' });
  return outfile;
}

/** The last stdout line of a probe, as JSON. */
function probeResult<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;
}

const stores: KeychainSecretStore[] = [];
function newStore(): KeychainSecretStore {
  const store = new KeychainSecretStore({ keychainService: freshService() });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) {
    for (const account of await store.accounts()) await store.delete(account);
  }
});

describe('KeychainSecretStore (real Secret Service)', () => {
  it('sets, gets, replaces and deletes a value', async () => {
    const store = newStore();
    expect(await store.get('provider.apiKey')).toBeNull();
    expect(await store.has('provider.apiKey')).toBe(false);
    await store.set('provider.apiKey', 'first-value');
    expect(await store.get('provider.apiKey')).toBe('first-value');
    await store.set('provider.apiKey', 'second-value');
    expect(await store.get('provider.apiKey')).toBe('second-value');
    expect(await store.has('provider.apiKey')).toBe(true);
    expect(await store.delete('provider.apiKey')).toBe(true);
    expect(await store.get('provider.apiKey')).toBeNull();
    expect(await store.delete('provider.apiKey')).toBe(false);
  });

  it('keeps services apart and lists only account names of its own service', async () => {
    const a = newStore();
    const b = newStore();
    await a.set('DS_POSTGRES_7E8971C3__PASSWORD', 'pg-pass');
    await a.set('publish.apiKey', 'pub-key');
    await b.set('provider.apiKey', 'other');
    expect(await a.accounts()).toEqual(['DS_POSTGRES_7E8971C3__PASSWORD', 'publish.apiKey']);
    expect(await b.accounts()).toEqual(['provider.apiKey']);
    expect(await b.get('publish.apiKey')).toBeNull();
  });

  it('survives concurrent writes to many accounts, and keeps the last of concurrent writes to one account', async () => {
    const store = newStore();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`DS_X__K${i}`, `value-${i}`)));
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`DS_X__K${i}`)));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `value-${i}`));

    const candidates = Array.from({ length: 10 }, (_, i) => `same-${i}`);
    await Promise.all(candidates.map((v) => store.set('DS_X__SAME', v)));
    // One account's writes land in call order: the last one asked for is the one kept.
    expect(await store.get('DS_X__SAME')).toBe('same-9');
    expect((await store.accounts()).filter((a) => a === 'DS_X__SAME')).toHaveLength(1);
  });

  it('stores unicode and 64 KB values exactly', async () => {
    const store = newStore();
    const unicode = 'pä$$wörd 🔑 密码 \n\t"quoted"';
    const big = JSON.stringify({ type: 'service_account', private_key: 'k'.repeat(64 * 1024) });
    await store.set('DS_U__PASSWORD', unicode);
    await store.set('DS_BQ__SERVICE_ACCOUNT_JSON', big);
    expect(await store.get('DS_U__PASSWORD')).toBe(unicode);
    expect(await store.get('DS_BQ__SERVICE_ACCOUNT_JSON')).toBe(big);
  });

  it('refuses an empty account name and an oversized value with a clear error', async () => {
    const store = newStore();
    await expect(store.set('', 'x')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.set('DS_X__HUGE', 'x'.repeat(300 * 1024))).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('at most 256 KB'),
    });
    expect(await store.accounts()).toEqual([]);
  });
});

describe('Secrets (keychain + environment overlay + scrubber)', () => {
  it('registers every stored value with the scrubber at load and on set', async () => {
    const store = newStore();
    await store.set('DS_PG__PASSWORD', 'stored-before-start');
    const scrubber = new Scrubber();
    const secrets = new Secrets(store, { scrubber });
    expect(await secrets.load()).toBeNull();
    expect(scrubber.scrub('pw stored-before-start')).toBe('pw [DS_PG__PASSWORD]');
    await secrets.set('provider.apiKey', 'later-key-value');
    expect(scrubber.scrub('key later-key-value')).toBe('key [OPENAI_API_KEY]');
  });

  it('reports environment defaults as set "from environment" and never writes them', async () => {
    const store = newStore();
    const scrubber = new Scrubber();
    const overlay = environmentOverlay({ OPENAI_API_KEY: 'env-openai-key', KILN_PUBLISH_API_KEY: '  ' });
    const secrets = new Secrets(store, { scrubber, overlay });
    expect(await secrets.source('provider.apiKey')).toBe('environment');
    expect(await secrets.source('publish.apiKey')).toBeNull();
    expect(await secrets.get('provider.apiKey')).toBe('env-openai-key');
    expect(await store.accounts()).toEqual([]);
    expect(scrubber.scrub('env-openai-key')).toBe('[OPENAI_API_KEY]');

    // A keychain value wins over the environment; clearing it falls back to the environment.
    await secrets.set('provider.apiKey', 'keychain-key');
    expect(await secrets.source('provider.apiKey')).toBe('keychain');
    expect(await secrets.get('provider.apiKey')).toBe('keychain-key');
    await secrets.delete('provider.apiKey');
    expect(await secrets.get('provider.apiKey')).toBe('env-openai-key');
  });

  it('treats setting an empty value as clearing the secret', async () => {
    const store = newStore();
    const secrets = new Secrets(store, { scrubber: new Scrubber() });
    await secrets.set('publish.apiKey', 'pk');
    await secrets.set('publish.apiKey', '');
    expect(await secrets.has('publish.apiKey')).toBe(false);
  });
});

describe('no Secret Service', () => {
  const dir = path.join(os.tmpdir(), `kiln-nokeyring-${randomBytes(4).toString('hex')}`);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('fails every call with one clear UNAVAILABLE error naming the fix, and writes nothing', async () => {
    const outfile = await buildProbe(dir, 'probe', `import { KeychainSecretStore } from '${HERE}/secret-store.ts';
import { Secrets, environmentOverlay } from '${HERE}/secrets.ts';
import { secretsStatus } from '${HERE}/secrets-status.ts';
import { Scrubber } from '${HERE}/scrubber.ts';
const store = new KeychainSecretStore({ keychainService: 'KilnNoBus' });
const secrets = new Secrets(store, { scrubber: new Scrubber(), overlay: environmentOverlay({ OPENAI_API_KEY: 'env-key-headless' }) });
const calls = {
  get: () => store.get('provider.apiKey'),
  set: () => store.set('provider.apiKey', 'must-not-be-written'),
  delete: () => store.delete('provider.apiKey'),
  has: () => store.has('provider.apiKey'),
  accounts: () => store.accounts(),
};
void (async () => {
  const out = {};
  for (const [name, call] of Object.entries(calls)) {
    const started = Date.now();
    try { await call(); out[name] = { ok: true }; }
    catch (e) { out[name] = { code: e.code, name: e.name, message: e.message, details: e.details, ms: Date.now() - started }; }
  }
  out.overlayGet = await secrets.get('provider.apiKey');
  out.status = await secretsStatus(secrets);
  out.load = (await secrets.load())?.code ?? null;
  console.log(JSON.stringify(out));
})();
`);
    const home = path.join(dir, 'home');
    await fs.mkdir(home);
    const { stdout } = await run(process.execPath, [outfile], {
      cwd: path.resolve('.'),
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_DATA_HOME: path.join(home, 'data'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', NODE_PATH: path.resolve('node_modules') },
    });
    const results = probeResult<Record<string, { code?: string; message?: string; details?: string; ms?: number; ok?: boolean }> & {
      overlayGet: string | null;
      status: { keychainAvailable: boolean; problem?: string; secrets: { account: string; set: boolean; source: string | null }[] };
      load: string | null;
    }>(stdout);
    for (const name of ['get', 'set', 'delete', 'has', 'accounts']) {
      expect(results[name]?.code, name).toBe('UNAVAILABLE');
      expect(results[name]?.message, name).toContain('OS keychain is not available');
      expect(results[name]?.message, name).toContain('gnome-keyring');
      expect(results[name]?.message, name).not.toContain('must-not-be-written');
      // Not a cut-off call: no retries, the error comes at once (a retried call takes 2 s).
      expect(isCutOff(results[name]?.details), name).toBe(false);
      expect(results[name]?.ms, name).toBeLessThan(1000);
    }
    // A headless host still gets its environment defaults, and says the keychain is missing.
    expect(results.overlayGet).toBe('env-key-headless');
    expect(results.load).toBe('UNAVAILABLE');
    expect(results.status.keychainAvailable).toBe(false);
    expect(results.status.problem).toContain('gnome-keyring');
    expect(results.status.secrets).toEqual([
      { account: 'provider.apiKey', set: true, source: 'environment' },
      { account: 'publish.apiKey', set: false, source: null },
    ]);
    // No plaintext fallback: nothing at all was written under the child's home.
    const written = await fs.readdir(home, { recursive: true });
    expect(written).toEqual([]);
  });

  it('names the macOS fix on macOS', () => {
    const error = keychainUnavailable(new Error('locked'), 'darwin');
    expect(error).toBeInstanceOf(KilnError);
    expect(error.message).toContain('Unlock the login keychain');
  });
});

/** Runs `command` in its own process group and kills the whole group when it overruns (a nested D-Bus session included). */
async function runGroup(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const child = spawn(command, args, { cwd: path.resolve('.'), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ended with ${String(code)}: ${stderr.slice(-2000)}`);
  return stdout;
}

describe('a keychain call cut off by a daemon that stopped', () => {
  it('is recognised by the message both D-Bus stacks of the library give, and nothing else is', () => {
    // As printed by @napi-rs/keyring when gnome-keyring crashed or was killed mid-call.
    expect(isCutOff(new Error('Platform failure: DBus error: Message recipient disconnected from message bus without replying'))).toBe(true);
    expect(isCutOff(new Error('zbus error: org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying'))).toBe(true);
    expect(isCutOff(new Error('zbus fdo error: org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying'))).toBe(true);
    // The call's session was opened with the daemon that stopped; a new one answered the rest.
    expect(isCutOff(new Error('Platform failure: DBus error: The session wrapping the secret does not exist'))).toBe(true);
    expect(isCutOff(new Error('zbus error: org.freedesktop.Secret.Error.NoSession: The session does not exist'))).toBe(true);
    // A headless session whose keyring was never unlocked (no login collection): fails at once.
    expect(isCutOff(new Error("Couldn't access platform storage: Secret Service: no result found"))).toBe(false);
    expect(isCutOff(undefined)).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('a keychain daemon that stops mid-call', () => {
  const dir = path.join(os.tmpdir(), `kiln-keyring-stop-${randomBytes(4).toString('hex')}`);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  // Its own private session (a nested scripts/with-keyring.sh), so killing that daemon
  // disturbs no other test; its activation file starts a new daemon unlocked, as a desktop
  // session's would (there, locked: the user is asked to unlock).
  it('finishes every call that was cut off, on the restarted daemon, with nothing lost', async () => {
    const outfile = await buildProbe(dir, 'probe', `import { execFileSync } from 'node:child_process';
import { KeychainSecretStore } from '${HERE}/secret-store.ts';
// Never the daemon other tests use: only inside a session of its own.
if (!process.env.DBUS_SESSION_BUS_ADDRESS || process.env.DBUS_SESSION_BUS_ADDRESS === process.env.OUTER_BUS) throw new Error('not in a nested D-Bus session');
const daemonPid = () => Number(/uint32 (\\d+)/.exec(execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets']).toString())?.[1]);
const store = new KeychainSecretStore({ keychainService: 'KilnStop' });
void (async () => {
  const out = { failures: [], misordered: [], pids: [], calls: 0, values: [] };
  await store.set('kept', 'stored-before');
  for (let round = 0; round < 3; round++) {
    const pid = daemonPid();
    out.pids.push(pid);
    const loop = async (i) => {
      for (let k = 0; k < 25; k++) {
        if (i === 0 && k === 8) process.kill(pid, 'SIGKILL');
        const call = [() => store.get('kept'), () => store.accounts(), () => store.set('w' + i, 'value-' + k), () => store.has('kept')][i];
        try { await call(); out.calls++; } catch (e) { out.failures.push(e.message + ' / ' + e.details); }
      }
    };
    // Concurrent writes to one account, cut off too: the last one asked for is the one kept.
    const batches = async () => {
      for (let k = 0; k < 12; k++) {
        await Promise.all(['a', 'b', 'c', 'd'].map((v) => store.set('same', v + k).catch((e) => out.failures.push(e.message))));
        const kept = await store.get('same');
        if (kept !== 'd' + k) out.misordered.push(kept + ' after batch ' + k);
      }
    };
    await Promise.all([...[0, 1, 2, 3].map(loop), batches()]);
  }
  out.pids.push(daemonPid());
  out.values = [await store.get('kept'), await store.get('w2')];
  console.log(JSON.stringify(out));
})();
`);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.resolve('node_modules'), OUTER_BUS: process.env.DBUS_SESSION_BUS_ADDRESS ?? '' };
    delete env.KILN_KEYRING_READY;
    const stdout = await runGroup('bash', [path.resolve('scripts/with-keyring.sh'), process.execPath, outfile], env, 60_000);
    const out = probeResult<{ failures: string[]; misordered: string[]; pids: number[]; calls: number; values: (string | null)[] }>(stdout);
    expect(out.failures).toEqual([]);
    expect(out.misordered).toEqual([]);
    expect(out.calls).toBe(3 * 4 * 25);
    // Each round really stopped the daemon: a new one answered after every kill.
    expect(new Set(out.pids).size).toBe(4);
    expect(out.values).toEqual(['stored-before', 'value-24']);
  }, 90_000);
});

describe('account names from shared/vault/accounts', () => {
  it('scrub markers and environment stand-ins follow the one list', () => {
    expect(scrubNameFor(ACCOUNTS.providerApiKey)).toBe('OPENAI_API_KEY');
    expect(scrubNameFor(ACCOUNTS.publishApiKey)).toBe('KILN_PUBLISH_API_KEY');
    expect(scrubNameFor(ACCOUNTS.publishPassword('ab-12'))).toBe('PUBLISH_PASSWORD_AB_12');
    expect(scrubNameFor('DS_POSTGRES_7E8971C3__PASSWORD')).toBe('DS_POSTGRES_7E8971C3__PASSWORD');
    expect([...environmentOverlay({ OPENAI_API_KEY: ' k1 ', KILN_PUBLISH_API_KEY: '', OTHER: 'x' })]).toEqual([[ACCOUNTS.providerApiKey, 'k1']]);
    // Publishing uses the same names, not copies.
    expect(API_KEY_ACCOUNT).toBe(ACCOUNTS.publishApiKey);
    expect(passwordAccount('id1')).toBe(ACCOUNTS.publishPassword('id1'));
    expect(envPrefix({ engine: 'rest-api', name: 'a.b' })).toBe(catalog.envPrefix('rest-api', 'a.b'));
    expect(connectionSlug({ engine: 'rest-api', name: 'a.b' })).toBe(catalog.datasourceSlug('rest-api', 'a.b'));
  });
});
