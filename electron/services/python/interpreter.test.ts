import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chosenInterpreter, isSupported, majorMinor, probeVersion, venvDirFor, venvPythonIn } from './interpreter';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-interp-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('venv paths', () => {
  it("puts an artifact's venv at anton's place, whatever the slug looks like", () => {
    expect(venvDirFor('/ws', 'app-1a2b3c4d')).toBe(path.join('/ws', '.anton', 'scratchpad-venvs', 'app-1a2b3c4d'));
    expect(venvDirFor('/ws', 'My Report')).toBe(path.join('/ws', '.anton', 'scratchpad-venvs', 'My Report'));
  });

  it('finds the python inside a venv per OS', () => {
    expect(venvPythonIn('/v', 'linux')).toBe(path.join('/v', 'bin', 'python'));
    expect(venvPythonIn('/v', 'darwin')).toBe(path.join('/v', 'bin', 'python'));
    expect(venvPythonIn('/v', 'win32')).toBe(path.join('/v', 'Scripts', 'python.exe'));
  });
});

describe('probeVersion', () => {
  it('reads major.minor.patch from a real interpreter', async () => {
    const v = await probeVersion('/usr/bin/python3');
    expect(v).toMatch(/^3\.\d+\.\d+$/);
    expect(majorMinor(v!)).toMatch(/^3\.\d+$/);
    expect(isSupported(v!)).toBe(true);
  });

  it('answers null for a missing file, a failing program, and one that prints something else', async () => {
    const liar = path.join(dir, 'liar');
    await fs.writeFile(liar, '#!/bin/sh\necho "Python 3.11.2"\n', { mode: 0o755 });
    expect(await probeVersion(path.join(dir, 'missing'))).toBeNull();
    expect(await probeVersion('/bin/false')).toBeNull();
    expect(await probeVersion(liar)).toBeNull();
  });

  it('supports 3.9 and newer only', () => {
    expect(isSupported('3.8.10')).toBe(false);
    expect(isSupported('3.9.0')).toBe(true);
    expect(isSupported('4.0.0')).toBe(true);
    expect(isSupported('2.7.18')).toBe(false);
  });
});

describe('chosenInterpreter', () => {
  it('the setting, else KILN_PYTHON, else discovery (null)', () => {
    expect(chosenInterpreter(' /opt/py ', { KILN_PYTHON: '/env/py' })).toEqual({ path: '/opt/py', source: 'setting' });
    expect(chosenInterpreter('', { KILN_PYTHON: ' /env/py ' })).toEqual({ path: '/env/py', source: 'env' });
    expect(chosenInterpreter('  ', { KILN_PYTHON: '' })).toBeNull();
    expect(chosenInterpreter('', {})).toBeNull();
  });
});
