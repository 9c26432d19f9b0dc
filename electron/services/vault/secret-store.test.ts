/**
 * Real OS keychain tests: run inside `scripts/with-keyring.sh` (a private D-Bus session with an
 * unlocked gnome-keyring), e.g. `scripts/with-keyring.sh npx vitest run electron/services/vault`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { Scrubber } from './scrubber';
import * as catalog from '../../../shared/vault/catalog';
import { API_KEY_ACCOUNT, connectionSlug, envPrefix, passwordAccount } from '../publish/ports';
import { ACCOUNTS, KeychainSecretStore, keychainUnavailable } from './secret-store';
import { Secrets, environmentOverlay, scrubNameFor } from './secrets';

const run = promisify(execFile);

function freshService(): string {
  return `KilnTest-${randomBytes(4).toString('hex')}`;
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

  it('survives concurrent writes to many accounts and to one account', async () => {
    const store = newStore();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`DS_X__K${i}`, `value-${i}`)));
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`DS_X__K${i}`)));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `value-${i}`));

    const candidates = Array.from({ length: 10 }, (_, i) => `same-${i}`);
    await Promise.all(candidates.map((v) => store.set('DS_X__SAME', v)));
    expect(candidates).toContain(await store.get('DS_X__SAME'));
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
    await fs.mkdir(dir, { recursive: true });
    const entry = path.join(dir, 'probe.ts');
    const here = __dirname.replace(/\\/g, '/');
    await fs.writeFile(
      entry,
      `import { KeychainSecretStore } from '${here}/secret-store.ts';
import { Secrets, environmentOverlay } from '${here}/secrets.ts';
import { secretsStatus } from '${here}/secrets-status.ts';
import { Scrubber } from '${here}/scrubber.ts';
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
    try { await call(); out[name] = { ok: true }; }
    catch (e) { out[name] = { code: e.code, name: e.name, message: e.message }; }
  }
  out.overlayGet = await secrets.get('provider.apiKey');
  out.status = await secretsStatus(secrets);
  out.load = (await secrets.load())?.code ?? null;
  console.log(JSON.stringify(out));
})();
`,
    );
    const outfile = path.join(dir, 'probe.cjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, external: ['@napi-rs/keyring'], nodePaths: [path.resolve('node_modules')], logLevel: 'silent' });
    const home = path.join(dir, 'home');
    await fs.mkdir(home);
    const { stdout } = await run(process.execPath, [outfile], {
      cwd: path.resolve('.'),
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_DATA_HOME: path.join(home, 'data'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', NODE_PATH: path.resolve('node_modules') },
    });
    const results = JSON.parse(stdout) as Record<string, { code?: string; message?: string; ok?: boolean }> & {
      overlayGet: string | null;
      status: { keychainAvailable: boolean; problem?: string; secrets: { account: string; set: boolean; source: string | null }[] };
      load: string | null;
    };
    for (const name of ['get', 'set', 'delete', 'has', 'accounts']) {
      expect(results[name]?.code, name).toBe('UNAVAILABLE');
      expect(results[name]?.message, name).toContain('OS keychain is not available');
      expect(results[name]?.message, name).toContain('gnome-keyring');
      expect(results[name]?.message, name).not.toContain('must-not-be-written');
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

describe('a keychain daemon that stops mid-call', () => {
  const dir = path.join(os.tmpdir(), `kiln-keyring-stop-${randomBytes(4).toString('hex')}`);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  // Its own private session (a nested scripts/with-keyring.sh), so killing that daemon
  // disturbs no other test; its activation file starts a new daemon as a desktop's would.
  it('finishes every call that was cut off, on the restarted daemon, with nothing lost', async () => {
    await fs.mkdir(dir, { recursive: true });
    const entry = path.join(dir, 'probe.ts');
    const here = __dirname.replace(/\\/g, '/');
    await fs.writeFile(
      entry,
      `import { execFileSync } from 'node:child_process';
import { KeychainSecretStore } from '${here}/secret-store.ts';
const daemonPid = () => Number(/uint32 (\\d+)/.exec(execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets']).toString())?.[1]);
const store = new KeychainSecretStore({ keychainService: 'KilnStop' });
void (async () => {
  const out = { failures: [], pids: [], calls: 0, values: [] };
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
    await Promise.all([0, 1, 2, 3].map(loop));
  }
  out.pids.push(daemonPid());
  out.values = [await store.get('kept'), await store.get('w2')];
  console.log(JSON.stringify(out));
})();
`,
    );
    const outfile = path.join(dir, 'probe.cjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, external: ['@napi-rs/keyring'], nodePaths: [path.resolve('node_modules')], logLevel: 'silent' });
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.resolve('node_modules') };
    delete env.KILN_KEYRING_READY;
    const { stdout } = await run('bash', [path.resolve('scripts/with-keyring.sh'), process.execPath, outfile], { cwd: path.resolve('.'), env, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { failures: string[]; pids: number[]; calls: number; values: (string | null)[] };
    expect(out.failures).toEqual([]);
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
