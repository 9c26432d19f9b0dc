import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  defaultSettings,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../shared/contract/settings';
import { describeZodError, KilnError } from '../../../shared/contract/core';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';

export interface SettingsLoadProblem {
  message: string;
  details: string;
}

/**
 * Settings in `<userData>/settings.json`. A file that can't be read as valid settings is
 * moved aside to `settings.json.bak` (never deleted) and Kiln starts from defaults, telling
 * the user once. Writes are atomic and serialized.
 */
export class SettingsStore {
  readonly file: string;
  private current: Settings = defaultSettings();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new Emitter<Settings>();

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'settings.json');
  }

  /** Reads the file; returns a problem to show the user when it had to fall back to defaults. */
  async load(): Promise<SettingsLoadProblem | null> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.current = defaultSettings();
        return null;
      }
      throw new KilnError('IO', `Could not read settings at ${this.file}: ${(error as Error).message}`);
    }
    let reason: string;
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(raw));
      if (parsed.success) {
        this.current = parsed.data;
        return null;
      }
      reason = describeZodError(parsed.error);
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    const backup = `${this.file}.bak`;
    await fs.rename(this.file, backup);
    this.current = defaultSettings();
    return {
      message: `Your settings file was damaged, so Kiln started with default settings. The old file was kept as ${backup}.`,
      details: reason,
    };
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Told after each successful update, with the new settings; dispose to unsubscribe. */
  onChange(listener: (s: Settings) => void): Disposable {
    return this.changed.on(listener);
  }

  /** 0 once every subscriber has been disposed (checked after shutdown). */
  get listenerCount(): number {
    return this.changed.size;
  }

  /** Applies a validated patch section by section and persists the result atomically. */
  update(patch: SettingsPatch): Promise<Settings> {
    const run = async (): Promise<Settings> => {
      const checked = settingsPatchSchema.safeParse(patch);
      if (!checked.success) throw new KilnError('VALIDATION', `Invalid settings: ${describeZodError(checked.error)}`);
      const merged: Record<string, unknown> = { ...this.current };
      for (const [section, values] of Object.entries(checked.data)) {
        if (values === undefined) continue;
        merged[section] = { ...(this.current as Record<string, object>)[section], ...values };
      }
      const next = settingsSchema.safeParse(merged);
      if (!next.success) throw new KilnError('VALIDATION', `Invalid settings: ${describeZodError(next.error)}`);
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, toPrettyJson(next.data), 0o600);
      this.current = next.data;
      this.changed.fire(this.get());
      return this.get();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
