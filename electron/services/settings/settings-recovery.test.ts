import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/contract/settings';
import { mountTmpfs, tmpfsUnavailable } from '../fs/testing-tmpfs';
import { SettingsStore } from './settings-store';

/** A real settings file as Kiln writes it, with a chosen workspace and theme. */
function savedSettings(): string {
  const s = defaultSettings();
  s.workspace.path = '/home/ana/Projects/kiln-work';
  s.appearance.theme = 'dark';
  s.provider.model = 'gpt-kept';
  return `${JSON.stringify(s, null, 2)}\n`;
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-settings-rec-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe('a damaged settings.json', () => {
  it('cut off mid-way: the workspace (and every section before the cut) is kept, the rest reset, and said', async () => {
    const full = savedSettings();
    const cut = full.slice(0, full.indexOf('"publish"') + 20); // torn inside a later section
    await fs.writeFile(path.join(dir, 'settings.json'), cut);
    const store = new SettingsStore(dir);
    const problem = await store.load();
    expect(store.get().workspace.path).toBe('/home/ana/Projects/kiln-work');
    expect(store.get().appearance.theme).toBe('dark');
    expect(store.get().provider.model).toBe('gpt-kept');
    expect(store.get().python).toEqual(defaultSettings().python);
    expect(problem?.message).toMatch(/kept the sections it could read \(workspace, appearance, provider\).*settings\.json\.bak/s);
    expect(problem?.details).toMatch(/Reset to defaults: .*publish/);
    expect(await fs.readFile(path.join(dir, 'settings.json.bak'), 'utf8')).toBe(cut);
    // What was rescued is the file now: the next start reads it without a problem.
    const again = new SettingsStore(dir);
    expect(await again.load()).toBeNull();
    expect(again.get().workspace.path).toBe('/home/ana/Projects/kiln-work');
  });

  it('valid JSON with one bad section keeps all the others', async () => {
    const s = JSON.parse(savedSettings()) as Record<string, Record<string, unknown>>;
    s.backends!.maxRunning = -4;
    await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify(s));
    const store = new SettingsStore(dir);
    const problem = await store.load();
    expect(problem?.details).toMatch(/backends\.maxRunning/);
    expect(store.get().workspace.path).toBe('/home/ana/Projects/kiln-work');
    expect(store.get().backends).toEqual(defaultSettings().backends);
  });

  it('a second and third corruption get their own numbered backups; none is overwritten', async () => {
    for (const junk of ['first {', 'second {', 'third {']) {
      await fs.writeFile(path.join(dir, 'settings.json'), junk);
      await new SettingsStore(dir).load();
    }
    expect(await fs.readFile(path.join(dir, 'settings.json.bak'), 'utf8')).toBe('first {');
    expect(await fs.readFile(path.join(dir, 'settings.json.bak.1'), 'utf8')).toBe('second {');
    expect(await fs.readFile(path.join(dir, 'settings.json.bak.2'), 'utf8')).toBe('third {');
  });
});

const skip = tmpfsUnavailable();
describe.skipIf(skip !== null)('a damaged settings.json on a read-only profile (tmpfs remounted ro)', () => {
  it('starts read-only with what it could read, says so, and refuses changes with a typed error', async () => {
    const disk = await mountTmpfs(256);
    try {
      const cut = savedSettings().slice(0, 200);
      await fs.writeFile(path.join(disk.dir, 'settings.json'), cut);
      disk.remountReadOnly();
      const store = new SettingsStore(disk.dir);
      const problem = await store.load();
      expect(problem?.message).toMatch(/runs read-only/);
      expect(store.isReadOnly).toBe(true);
      expect(store.get().workspace.path).toBe('/home/ana/Projects/kiln-work');
      await expect(store.update({ appearance: { theme: 'light' } })).rejects.toMatchObject({ code: 'IO', reason: 'disk-read-only' });
      expect(await fs.readFile(path.join(disk.dir, 'settings.json'), 'utf8')).toBe(cut);
    } finally {
      await disk.unmount();
    }
  });
});
if (skip) describe('settings on a read-only profile', () => it.skip(`skipped: ${skip}`, () => undefined));
