import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/contract/settings';
import { SettingsStore } from './settings-store';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-settings-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('SettingsStore', () => {
  it('starts from defaults when there is no file, and creates none until a change', async () => {
    const store = new SettingsStore(dir);
    expect(await store.load()).toBeNull();
    expect(store.get()).toEqual(defaultSettings());
    await expect(fs.access(store.file)).rejects.toThrow();
  });

  it('persists a change and reads it back in a new store', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ provider: { model: 'gpt-test' }, appearance: { theme: 'dark' } });
    const again = new SettingsStore(dir);
    await again.load();
    expect(again.get().provider.model).toBe('gpt-test');
    expect(again.get().appearance.theme).toBe('dark');
    // Other keys of a touched section survive.
    expect(again.get().provider.baseUrl).toBe(defaultSettings().provider.baseUrl);
  });

  it('a patch naming one key changes only that key, never resets its neighbours', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ provider: { preset: 'custom', baseUrl: 'http://127.0.0.1:9/v1', model: 'm1' } });
    await store.update({ provider: { model: 'm2' } });
    await store.update({ ui: { firstRunDone: true } });
    await store.update({ ui: { sidebarWidth: 300 } });
    const again = new SettingsStore(dir);
    await again.load();
    expect(again.get().provider).toEqual({ preset: 'custom', baseUrl: 'http://127.0.0.1:9/v1', model: 'm2' });
    expect(again.get().ui).toMatchObject({ firstRunDone: true, sidebarWidth: 300 });
  });

  it('fills keys missing from an older file with defaults and keeps the rest', async () => {
    await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify({ provider: { model: 'kept' } }));
    const store = new SettingsStore(dir);
    expect(await store.load()).toBeNull();
    expect(store.get().provider).toEqual({ ...defaultSettings().provider, model: 'kept' });
    expect(store.get().ui).toEqual(defaultSettings().ui);
  });

  it('writes atomically: no temp files left behind, file is complete JSON', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.update({ ui: { sidebarWidth: 200 + i } })));
    const names = await fs.readdir(dir);
    expect(names).toEqual(['settings.json']);
    const onDisk = JSON.parse(await fs.readFile(store.file, 'utf8'));
    expect(onDisk.ui.sidebarWidth).toBe(219);
  });

  it('rejects unknown keys and leaves the file as it was', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ appearance: { theme: 'light' } });
    const before = await fs.readFile(store.file, 'utf8');
    await expect(store.update({ appearance: { theme: 'dark', colour: 'red' } } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.update({ telemetry: { on: true } } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await fs.readFile(store.file, 'utf8')).toBe(before);
    expect(store.get().appearance.theme).toBe('light');
  });

  it('rejects out-of-range values with a message naming the field', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await expect(store.update({ backends: { maxRunning: 0 } })).rejects.toThrow(/backends\.maxRunning|maxRunning/);
  });

  it('keeps a corrupt file as .bak, starts from defaults and says so', async () => {
    await fs.writeFile(path.join(dir, 'settings.json'), '{"appearance": {"theme": "dark"');
    const store = new SettingsStore(dir);
    const problem = await store.load();
    expect(problem?.message).toMatch(/damaged.*default settings.*settings\.json\.bak/s);
    expect(store.get()).toEqual(defaultSettings());
    expect(await fs.readFile(path.join(dir, 'settings.json.bak'), 'utf8')).toBe('{"appearance": {"theme": "dark"');
  });

  it('treats valid JSON with unknown or wrong keys as damaged too', async () => {
    await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify({ appearance: { theme: 'neon' } }));
    const store = new SettingsStore(dir);
    const problem = await store.load();
    expect(problem?.details).toContain('appearance.theme');
    await expect(fs.access(path.join(dir, 'settings.json.bak'))).resolves.toBeUndefined();
  });

  it('tells listeners about each change until they dispose', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    const seen: string[] = [];
    const sub = store.onChange((s) => seen.push(s.appearance.theme));
    await store.update({ appearance: { theme: 'dark' } });
    sub.dispose();
    await store.update({ appearance: { theme: 'light' } });
    expect(seen).toEqual(['dark']);
    expect(store.listenerCount).toBe(0);
  });

  it('a listener that throws does not fail the saved update', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    store.onChange(() => {
      throw new Error('broken listener');
    });
    await expect(store.update({ appearance: { theme: 'dark' } })).resolves.toMatchObject({ appearance: { theme: 'dark' } });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'settings.json'), 'utf8'))).toMatchObject({ appearance: { theme: 'dark' } });
  });
});
