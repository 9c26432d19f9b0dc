import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PidRegistry } from './pid-registry';
import net from 'node:net';
import { addArtifact, alive, createTestSupervisor, makeWorkspace, waitFor } from './testing';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('orphan reaping after a Kiln crash', () => {
  let ws: string;
  const cleanup: number[] = [];
  beforeEach(async () => {
    ws = await makeWorkspace();
  });
  afterEach(async () => {
    for (const pid of cleanup.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fs.rm(ws, { recursive: true, force: true });
  });

  it('reaps the backend a SIGKILLed host left running, and clears its port', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'orphan');
    const host = spawn(process.execPath, ['scripts/run-ts.mjs', 'e2e/fixtures/backends/orphan-host.ts', ws, 'orphan'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    host.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('\n'), 'the host to launch its backend', 25_000);
    const { pid, port } = JSON.parse(out.trim()) as { pid: number; port: number };
    cleanup.push(pid);
    host.kill('SIGKILL');
    await new Promise((r) => host.once('exit', r));

    // The backend survived its host (own process group) and still holds its port.
    expect(alive(pid)).toBe(true);
    expect(await portOpen(port)).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).port).toBe(port);

    // The next Kiln start reaps it.
    const { supervisor } = createTestSupervisor(ws);
    expect(await supervisor.reapOrphans()).toEqual(['orphan']);
    expect(alive(pid)).toBe(false);
    expect(await portOpen(port)).toBe(false);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).port).toBeNull();
    expect(await new PidRegistry(() => path.join(ws, '.kiln/state')).read()).toEqual([]);
    await supervisor.stopAll();
  });

  it('a second Kiln on the same workspace leaves a live Kiln\'s backends running; reaps them once that Kiln is gone', async () => {
    await addArtifact(ws, 'stdlib-app', 'shared');
    const host = spawn(process.execPath, ['scripts/run-ts.mjs', 'e2e/fixtures/backends/orphan-host.ts', ws, 'shared'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    host.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('\n'), 'the host to launch its backend', 25_000);
    const { pid, port } = JSON.parse(out.trim()) as { pid: number; port: number };
    cleanup.push(pid);

    const { supervisor } = createTestSupervisor(ws);
    expect(await supervisor.reapOrphans()).toEqual([]);
    expect(alive(pid)).toBe(true);
    expect(await portOpen(port)).toBe(true);

    host.kill('SIGKILL');
    await new Promise((r) => host.once('exit', r));
    expect(await supervisor.reapOrphans()).toEqual(['shared']);
    expect(alive(pid)).toBe(false);
    await supervisor.stopAll();
  });

  it('leaves alone a recorded pid that now runs something else', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'reused');
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    cleanup.push(other.pid!);
    // An entry in the registry format before the journal (read once, then removed).
    await PidRegistry.writeLegacy(path.join(ws, '.kiln/state'), [{ slug: 'reused', pid: other.pid!, port: 45678, python: '/usr/bin/python3', dir, startedAt: new Date().toISOString() }]);
    const registry = new PidRegistry(() => path.join(ws, '.kiln/state'));
    expect((await registry.read()).map((e) => e.pid)).toEqual([other.pid]);
    const { supervisor } = createTestSupervisor(ws);
    expect(await supervisor.reapOrphans()).toEqual([]);
    expect(alive(other.pid!)).toBe(true);
    expect(await registry.read()).toEqual([]);
    await supervisor.stopAll();
  });
});
