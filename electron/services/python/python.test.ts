import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPython } from './discover';
import { isSupported } from './interpreter';
import { PythonService } from './python-service';
import { parseRequirements, pipKeyErrors, requirementsHash } from './requirements';

describe('requirements', () => {
  it('parses like anton: comments, blanks and lines starting with - are ignored', () => {
    const text = '# header\nfastapi==0.92\n\n  uvicorn  # server\n-r other.txt\n--index-url http://evil\n-e .\nmangum\r\n';
    expect(parseRequirements(text)).toEqual(['fastapi==0.92', 'uvicorn', 'mangum']);
  });
  it('hashes content and pip args, not formatting', () => {
    const a = requirementsHash(parseRequirements('fastapi\n# c\nuvicorn\n'), []);
    expect(requirementsHash(parseRequirements('fastapi\n\nuvicorn # x\n'), [])).toBe(a);
    expect(requirementsHash(parseRequirements('fastapi\n'), [])).not.toBe(a);
    expect(requirementsHash(parseRequirements('fastapi\n# c\nuvicorn\n'), ['--no-index'])).not.toBe(a);
  });
  it('picks pip\'s error lines', () => {
    const out = 'Looking in links: x\nERROR: Could not find a version that satisfies the requirement nope\nERROR: No matching distribution found for nope\n';
    expect(pipKeyErrors(out)).toEqual([
      'ERROR: Could not find a version that satisfies the requirement nope',
      'ERROR: No matching distribution found for nope',
    ]);
  });
});

describe('finding Python', () => {
  it('uses the setting first, then KILN_PYTHON', async () => {
    const fromSetting = await findPython('/usr/bin/python3', { PATH: '' });
    expect(fromSetting).toMatchObject({ path: '/usr/bin/python3', source: 'setting' });
    expect(isSupported(fromSetting.version)).toBe(true);
    expect(await findPython('', { KILN_PYTHON: '/usr/bin/python3', PATH: '' })).toMatchObject({ source: 'env' });
  });
  it('discovers python3 on PATH', async () => {
    const info = await findPython('', { PATH: '/usr/bin' });
    expect(info.source).toBe('discovered');
    expect(info.path).toBe('/usr/bin/python3');
  });
  it('says what to fix when the chosen interpreter does not run', async () => {
    await expect(findPython('/nope/python3', {})).rejects.toThrow(/"\/nope\/python3" \(from Settings → Python & Backends\) does not run/);
    await expect(findPython('', { KILN_PYTHON: '/nope/python' })).rejects.toThrow(/from KILN_PYTHON/);
  });
  it('refuses a Python older than 3.9 with the fix', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-oldpy-'));
    const fake = path.join(dir, 'python3');
    await fs.writeFile(fake, '#!/bin/sh\necho 3.8.10\n', { mode: 0o755 });
    try {
      await expect(findPython(fake, {})).rejects.toThrow(/is 3\.8\.10; Kiln needs 3\.9 or newer/);
      await expect(findPython('', { PATH: dir })).resolves.toMatchObject({ path: '/usr/bin/python3' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
  it('compares versions numerically (3.10 is newer than 3.9)', () => {
    expect(isSupported('3.9.0')).toBe(true);
    expect(isSupported('3.10.1')).toBe(true);
    expect(isSupported('2.7.18')).toBe(false);
  });
});

describe('PythonService venvs', () => {
  let ws: string;
  beforeEach(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-venv-'));
  });
  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  const service = (systemSitePackages: boolean): PythonService =>
    new PythonService({
      settings: () => ({ interpreter: '/usr/bin/python3', systemSitePackages, pipArgs: [], installTimeoutSec: 60 }),
      workspaceDir: () => ws,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), PIP_CONFIG_FILE: '/dev/null' },
    });

  it('creates the venv at anton\'s place, reuses it, and recreates it when the option changes', async () => {
    const py = service(false);
    const first = await py.ensureVenv('app-1');
    expect(first.created).toBe(true);
    expect(first.python).toBe(path.join(ws, '.anton', 'scratchpad-venvs', 'app-1', 'bin', 'python'));
    expect((await fs.readFile(path.join(ws, '.anton/scratchpad-venvs/app-1/pyvenv.cfg'), 'utf8'))).toMatch(/include-system-site-packages = false/);
    expect((await py.ensureVenv('app-1')).created).toBe(false);
    const withSystem = service(true);
    expect((await withSystem.ensureVenv('app-1')).created).toBe(true);
    expect((await fs.readFile(path.join(ws, '.anton/scratchpad-venvs/app-1/pyvenv.cfg'), 'utf8'))).toMatch(/include-system-site-packages = true/);
  });

  it('two callers preparing the same venv at once (a launch and the agent) get one working venv', async () => {
    const py = service(true);
    const results = await Promise.all([py.ensureVenv('both'), py.ensureVenv('both'), py.ensureVenv('both')]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { stdout } = await execa(results[0]!.python, ['-c', 'print("ok")']);
    expect(stdout).toBe('ok');
  });

  it('skips pip when there is nothing to install', async () => {
    const py = service(true);
    const dir = path.join(ws, 'art');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'requirements.txt'), '# nothing\n\n');
    await py.ensureVenv('art');
    const lines: string[] = [];
    expect(await py.install('art', dir, await fs.readFile(path.join(dir, 'requirements.txt'), 'utf8'), (_p, l) => lines.push(l))).toEqual({ skipped: true, via: 'none' });
    expect(lines).toEqual(['Requirements: requirements.txt lists no packages; nothing to install.']);
  });
});
