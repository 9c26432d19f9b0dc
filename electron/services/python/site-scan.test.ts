import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readInventory } from './testing-inventory';
import { childEnv } from '../process/child-env';
import { scanDistributions, scanVenv } from './site-scan';

let ws: string;
beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-scan-'));
});
afterEach(async () => {
  await fs.rm(ws, { recursive: true, force: true });
});

const env = childEnv({ host: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() }, python: true });

it('reads the same distributions and versions from the site folders as the venv\'s own Python reports', async () => {
  const venv = path.join(ws, 'v');
  await execa('/usr/bin/python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
  const scanned = await scanVenv({ venv, base: '/usr/bin/python3', systemSitePackages: true, env, home: '/usr/bin', withRequires: new Set(['uvicorn']) });
  const asked = await readInventory(path.join(venv, 'bin', 'python'), env);
  expect(scanned).not.toBeNull();
  const versions = (d: Record<string, { version: string }>): Record<string, string> => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.version]));
  expect(versions(scanned!.dists)).toEqual(versions(asked!.dists));
  expect(scanned!.env).toEqual(asked!.env);
  // Requires-Dist only for the names asked (extras), and then the same as Python reads.
  expect(scanned!.dists.uvicorn!.requires.sort()).toEqual([...asked!.dists.uvicorn!.requires].sort());
  expect(scanned!.dists.fastapi!.requires).toEqual([]);
});

it('declines (null) for a venv another interpreter made, so the caller asks that venv instead', async () => {
  expect(await scanVenv({ venv: ws, base: '/usr/bin/python3', systemSitePackages: true, env, home: '/opt/other/bin', withRequires: new Set() })).toBeNull();
});

it('lets the first folder win, reads egg-info extras sections, and ignores .pth code lines', async () => {
  const a = path.join(ws, 'a');
  const b = path.join(ws, 'b');
  await fs.mkdir(path.join(a, 'Demo_Pkg-2.0.dist-info'), { recursive: true });
  await fs.writeFile(path.join(a, 'Demo_Pkg-2.0.dist-info', 'METADATA'), 'Name: Demo-Pkg\nVersion: 2.0\nRequires-Dist: click\nRequires-Dist: rich ; extra == "fancy"\n\nbody\nRequires-Dist: not-a-header\n');
  await fs.mkdir(path.join(b, 'demo_pkg-1.0.dist-info'), { recursive: true });
  await fs.mkdir(path.join(b, 'PyYAML-6.0-py3.11.egg-info'), { recursive: true });
  await fs.writeFile(path.join(b, 'PyYAML-6.0-py3.11.egg-info', 'requires.txt'), 'base\n\n[fast]\nlibyaml\n\n[win:sys_platform == "win32"]\npywin\n');
  const d = await scanDistributions([a, b], new Set(['demo-pkg', 'pyyaml']));
  expect(d['demo-pkg']).toEqual({ version: '2.0', requires: ['click', 'rich ; extra == "fancy"'] });
  expect(d.pyyaml).toEqual({ version: '6.0', requires: ['base', 'libyaml; extra == "fast"', 'pywin; (sys_platform == "win32") and extra == "win"'] });
});
