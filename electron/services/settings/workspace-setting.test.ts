import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore } from './settings-store';
import { WorkspaceSetting } from './workspace-setting';

let base: string;
let settings: SettingsStore;
let setting: WorkspaceSetting;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-ws-setting-'));
  settings = new SettingsStore(path.join(base, 'user-data'));
  await settings.load();
  const current = (): { path: string; artifactsRoot: string; overridden: boolean } => {
    const p = settings.get().workspace.path ?? path.join(base, 'default');
    return { path: p, artifactsRoot: path.join(p, '.anton', 'artifacts'), overridden: false };
  };
  setting = new WorkspaceSetting({ settings, current });
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe('WorkspaceSetting', () => {
  it('creates, saves and reports a chosen folder', async () => {
    const chosen = path.join(base, 'new', 'ws');
    await expect(setting.choose(`  ${chosen}  `)).resolves.toEqual({ path: chosen, artifactsRoot: path.join(chosen, '.anton', 'artifacts'), overridden: false });
    expect((await fs.stat(chosen)).isDirectory()).toBe(true);
    expect(JSON.parse(await fs.readFile(settings.file, 'utf8')).workspace.path).toBe(chosen);
    expect(setting.info().path).toBe(chosen);
  });

  it('refuses a relative path, a file and an empty entry, leaving the setting as it was', async () => {
    const first = path.join(base, 'first');
    await setting.choose(first);
    const file = path.join(base, 'a-file');
    await fs.writeFile(file, 'x');
    await expect(setting.choose('not/absolute')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('not an absolute path') });
    await expect(setting.choose(file)).rejects.toMatchObject({ message: expect.stringContaining(file) });
    await expect(setting.choose('   ')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(settings.get().workspace.path).toBe(first);
    expect(await fs.readFile(file, 'utf8')).toBe('x');
  });
});
