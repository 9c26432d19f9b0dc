import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import type { McpServerInput } from '../../../shared/contract/mcp';
import { childEnv } from '../process/child-env';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { McpService, type McpServiceDeps } from './mcp-service';

/** Test helpers with real parts: the real keychain (inside scripts/with-keyring.sh), real servers from npm. */
export const EVERYTHING = path.resolve('node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const MISBEHAVING = path.resolve('e2e/fixtures/mcp/misbehaving-server.mjs');

export function stdioServer(name: string, script: string, over: Partial<McpServerInput> = {}): McpServerInput {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args: script === EVERYTHING ? [script, 'stdio'] : [script],
    cwd: '',
    url: '',
    env: [],
    headers: [],
    enabled: true,
    timeoutSec: 30,
    ...over,
  };
}

export interface McpHarness {
  userData: string;
  keychain: KeychainSecretStore;
  scrubber: Scrubber;
  secrets: Secrets;
  service: McpService;
  cleanup(): Promise<void>;
}

export async function mcpHarness(over: Partial<McpServiceDeps> = {}): Promise<McpHarness> {
  const userData = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-mcp-'));
  const keychain = new KeychainSecretStore({ keychainService: `KilnMcpTest-${randomBytes(4).toString('hex')}` });
  const scrubber = new Scrubber();
  const secrets = new Secrets(keychain, { scrubber });
  const service = new McpService({
    userData,
    secrets,
    scrubber,
    scrub: (t) => scrubber.scrub(t),
    env: {},
    clientVersion: 'test',
    connection: { backoffMs: () => 200, maxRestarts: 3, connectTimeoutMs: 20_000 },
    ...over,
  });
  return {
    userData,
    keychain,
    scrubber,
    secrets,
    service,
    cleanup: async () => {
      await service.stopAll();
      for (const account of await keychain.accounts()) await keychain.delete(account);
      await fs.rm(userData, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The everything server over streamable HTTP on a free loopback port. */
export async function startEverythingHttp(fixedPort?: number): Promise<{ url: string; port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = fixedPort ?? (await getPort({ host: '127.0.0.1' }));
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], {
    env: childEnv({ extra: { PORT: String(port) } }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr?.on('data', (c: Buffer) => {
    said += c.toString();
  });
  await until(() => said.includes('listening'), 'the HTTP MCP server to listen');
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
