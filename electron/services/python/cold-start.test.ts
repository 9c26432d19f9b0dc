import { execa, execaSync } from 'execa';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PythonService } from './python-service';

/**
 * Cold starts with real Python (Debian's /usr/bin/python3 with its FastAPI) and real pip:
 * which path an install takes — already satisfied, the base interpreter's pip aimed at a
 * pip-less venv, uv with a clean fallback — and sharing one venv with anton.
 */
let wheels: string;
beforeAll(async () => {
  wheels = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-wheels-'));
  execaSync('/usr/bin/python3', ['e2e/fixtures/backends/make-stub-wheel.py', wheels]);
});
afterAll(async () => {
  await fs.rm(wheels, { recursive: true, force: true });
});

let ws: string;
let art: string;
beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-cold-'));
  art = path.join(ws, 'art');
  await fs.mkdir(art);
});
afterEach(async () => {
  await fs.rm(ws, { recursive: true, force: true });
});

function service(opts: { systemSitePackages?: boolean; PATH?: string } = {}): PythonService {
  return new PythonService({
    settings: () => ({ interpreter: '/usr/bin/python3', systemSitePackages: opts.systemSitePackages ?? true, pipArgs: ['--no-index', '--no-deps', '--find-links', wheels, '--retries', '0', '--timeout', '3'], installTimeoutSec: 120 }),
    workspaceDir: () => ws,
    env: { PATH: opts.PATH ?? process.env.PATH ?? '', HOME: os.tmpdir(), PIP_CONFIG_FILE: '/dev/null' },
  });
}

async function launchLike(py: PythonService, requirements: string): Promise<{ via: string; lines: string[] }> {
  const lines: string[] = [];
  await py.ensureVenv('art', (_p, l) => lines.push(l));
  const r = await py.install('art', art, requirements, (_p, l) => lines.push(l));
  return { via: r.via, lines };
}

describe('cold launch install paths', () => {
  it('skips pip entirely when the interpreter already has every requirement (system site packages)', async () => {
    const { via, lines } = await launchLike(service(), 'fastapi>=0.90\nuvicorn\n');
    expect(via).toBe('satisfied');
    expect(lines.join('\n')).toMatch(/all 2 already installed \(fastapi 0\.\d+\.\d+, uvicorn [\d.]+\); pip skipped/);
    expect(lines.some((l) => l.startsWith('$ '))).toBe(false);
    // The venv was made without pip: no ensurepip ran.
    await expect(fs.stat(path.join(ws, '.anton/scratchpad-venvs/art/bin/pip'))).rejects.toThrow();
  });

  it('installs only the missing line, with the system pip the pip-less venv can import (no ensurepip)', async () => {
    const py = service();
    const { via, lines } = await launchLike(py, 'fastapi\nmangum\nuvicorn\n');
    expect(via).toBe('venv-pip');
    const log = lines.join('\n');
    expect(log).toContain('Requirements: mangum is not installed.');
    expect(log).toMatch(/\$ pip install .* mangum$/m);
    expect(log).not.toMatch(/\$ pip install .*fastapi/);
    expect(log).toMatch(/installed 1 of 3 with pip inside the venv/);
    await expect(fs.stat(path.join(ws, '.anton/scratchpad-venvs/art/bin/pip'))).rejects.toThrow();
    const { stdout } = await execa(py.venvPython('art'), ['-c', 'import mangum; print(mangum.Mangum.__name__)']);
    expect(stdout).toBe('Mangum');
    // anton's record of what is installed, so anton doesn't install it again.
    expect(await fs.readFile(path.join(ws, '.anton/scratchpad-venvs/art/requirements.txt'), 'utf8')).toBe('mangum\n');
    // The next launch with the same requirements does nothing at all.
    const again = await py.install('art', art, 'fastapi\nmangum\nuvicorn\n');
    expect(again).toEqual({ skipped: true, via: 'unchanged' });
  });

  it('uses the base interpreter\'s pip aimed at the venv when the venv sees no pip (no system site packages)', async () => {
    const py = service({ systemSitePackages: false });
    const { via, lines } = await launchLike(py, 'mangum\n');
    expect(via).toBe('base-pip');
    expect(lines.join('\n')).toMatch(/installed 1 of 1 with pip of \/usr\/bin\/python3, aimed at the venv/);
    const { stdout } = await execa(py.venvPython('art'), ['-c', 'import mangum; print(mangum.Mangum.__name__)']);
    expect(stdout).toBe('Mangum');
    await expect(fs.stat(path.join(ws, '.anton/scratchpad-venvs/art/bin/pip'))).rejects.toThrow();
  });

  it('says which requirement is not met and fails clearly when pip can\'t get it', async () => {
    const lines: string[] = [];
    const py = service();
    await py.ensureVenv('art');
    await expect(py.install('art', art, 'fastapi>=99\n', (_p, l) => lines.push(l))).rejects.toThrow(/Installing the requirements of "art" failed: .*fastapi/);
    expect(lines).toContain('Requirements: fastapi 0.92.0 does not match >=99.');
  });

  it('uses uv when it is on PATH and falls back to pip cleanly when uv fails', async () => {
    const bin = path.join(ws, 'bin');
    await fs.mkdir(bin);
    // A uv that can't reach its index, as on an offline machine: it exits non-zero.
    await fs.writeFile(path.join(bin, 'uv'), '#!/bin/sh\necho "error: Failed to fetch: no network" >&2\nexit 2\n', { mode: 0o755 });
    const { via, lines } = await launchLike(service({ PATH: `${bin}:${process.env.PATH ?? ''}` }), 'mangum\n');
    const log = lines.join('\n');
    expect(log).toContain(`Requirements: installing with uv (${path.join(bin, 'uv')}).`);
    expect(log).toContain('$ uv pip install --no-index --no-deps --find-links');
    expect(log).toContain('error: Failed to fetch: no network');
    expect(log).toContain('Requirements: uv failed (exit 2); falling back to pip.');
    expect(via).toBe('venv-pip');
  });
});

describe('one venv, two tools (anton)', () => {
  const venv = (): string => path.join(ws, '.anton/scratchpad-venvs/art');

  it('writes the .python_version anton checks, so anton recycles a venv Kiln made', async () => {
    await service().ensureVenv('art');
    const { stdout } = await execa('/usr/bin/python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    expect(await fs.readFile(path.join(venv(), '.python_version'), 'utf8')).toBe(`${stdout}\n`);
  });

  it('reuses a venv anton made for the same Python instead of deleting it', async () => {
    // anton: venv.create(system_site_packages=True, with_pip=False), then `.python_version`.
    await fs.mkdir(path.dirname(venv()), { recursive: true });
    await execa('/usr/bin/python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv()]);
    const { stdout } = await execa('/usr/bin/python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    await fs.writeFile(path.join(venv(), '.python_version'), `${stdout}\n`);
    await fs.writeFile(path.join(venv(), 'anton-was-here'), 'x');
    const lines: string[] = [];
    const r = await service().ensureVenv('art', (_p, l) => lines.push(l));
    expect(r.created).toBe(false);
    expect(lines).toEqual([`Python environment: reusing the one anton made for art (Python ${stdout}).`]);
    expect(await fs.readFile(path.join(venv(), 'anton-was-here'), 'utf8')).toBe('x');
  });

  it('rebuilds an anton venv made for another Python version', async () => {
    await fs.mkdir(path.dirname(venv()), { recursive: true });
    await execa('/usr/bin/python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv()]);
    await fs.writeFile(path.join(venv(), '.python_version'), '2.7\n');
    expect((await service().ensureVenv('art')).created).toBe(true);
  });

  it('never deletes a venv a running process uses, even when Kiln would rebuild it', async () => {
    const py = service({ systemSitePackages: true });
    await py.ensureVenv('art');
    // A backend (anton's or another Kiln's) running from the venv's own python.
    const child = spawn(py.venvPython('art'), ['-c', 'import time; time.sleep(60)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const lines: string[] = [];
      const r = await service({ systemSitePackages: false }).ensureVenv('art', (_p, l) => lines.push(l));
      expect(r.created).toBe(false);
      expect(lines.join('\n')).toMatch(new RegExp(`kept as it is — process ${String(child.pid)} runs from it`));
      expect(child.exitCode).toBeNull();
      await expect(fs.stat(py.venvPython('art'))).resolves.toBeTruthy();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
