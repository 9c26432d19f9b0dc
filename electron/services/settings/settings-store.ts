import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  defaultSettings,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../shared/contract/settings';
import { describeZodError, isKilnError, KilnError } from '../../../shared/contract/core';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';
import { diskError } from '../fs/disk-errors';
import { safeReadText } from '../fs/safe-read';
import { salvageSettings } from './settings-salvage';

export interface SettingsLoadProblem {
  message: string;
  details: string;
}

/** A settings file larger than this is not read (it is a few KB). */
const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * Settings in `<userData>/settings.json`. A file that can't be read as valid settings is
 * salvaged section by section (the workspace above all), moved aside to the first free
 * numbered backup (`settings.json.bak`, `.bak.1`, …; never deleted or overwritten) and
 * replaced by what was rescued. When it can't be moved (a read-only profile), Kiln starts
 * read-only with the rescued settings and says so. Writes are atomic and serialized.
 */
export class SettingsStore {
  readonly file: string;
  private current: Settings = defaultSettings();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new Emitter<Settings>();
  /** Set when the damaged file could not be moved aside: changes are refused with this error. */
  private readOnly: KilnError | null = null;

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'settings.json');
  }

  /** True when settings can't be saved this run (see `load`). */
  get isReadOnly(): boolean {
    return this.readOnly !== null;
  }

  /** Reads the file; returns a problem to show the user when it had to salvage or fall back. */
  async load(): Promise<SettingsLoadProblem | null> {
    let raw: string;
    try {
      raw = await safeReadText(this.file, { maxBytes: MAX_SETTINGS_BYTES, label: 'settings.json' });
    } catch (error) {
      if (isKilnError(error) && error.code === 'NOT_FOUND') {
        this.current = defaultSettings();
        return null;
      }
      if (!isKilnError(error) || !error.reason || !['not-regular-file', 'file-too-large'].includes(error.reason)) {
        throw new KilnError('IO', `Could not read settings at ${this.file}: ${(error as Error).message}`);
      }
      raw = '';
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
      reason = raw === '' ? 'not a readable file' : `not valid JSON (${(error as Error).message})`;
    }
    return this.recover(raw, reason);
  }

  private async recover(raw: string, reason: string): Promise<SettingsLoadProblem> {
    const salvage = salvageSettings(raw);
    this.current = salvage.settings;
    const what =
      salvage.kept.length > 0
        ? `Kiln kept the sections it could read (${salvage.kept.join(', ')}) and reset the rest to defaults.`
        : 'Kiln started with default settings.';
    const details = `${reason}${salvage.reset.length > 0 ? `\nReset to defaults: ${salvage.reset.join(', ')}.` : ''}`;
    let backup: string;
    try {
      backup = await moveToFreeBackup(this.file);
    } catch (error) {
      const disk = diskError(error, 'save settings');
      this.readOnly = new KilnError(
        'IO',
        `Settings are read-only this run: Kiln could not move the damaged ${this.file} aside, so it saves no changes. Make the folder writable and restart Kiln.`,
        (error as Error).message,
        disk?.reason ?? 'disk-read-only',
      );
      return {
        message: `Your settings file is damaged and its folder can't be changed, so Kiln runs read-only with what it could read. ${what} Make ${path.dirname(this.file)} writable and restart to save settings again.`,
        details,
      };
    }
    // The rescued settings become the file; if that write fails, they still apply this run.
    await writeStateFile(this.file, toPrettyJson(this.current)).catch(() => undefined);
    return { message: `Your settings file was damaged. ${what} The old file was kept as ${backup}.`, details };
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
      if (this.readOnly) throw this.readOnly;
      const checked = settingsPatchSchema.safeParse(patch);
      if (!checked.success) throw new KilnError('VALIDATION', `Invalid settings: ${describeZodError(checked.error)}`);
      const merged: Record<string, unknown> = { ...this.current };
      for (const [section, values] of Object.entries(checked.data)) {
        if (values === undefined) continue;
        merged[section] = { ...(this.current as Record<string, object>)[section], ...values };
      }
      const next = settingsSchema.safeParse(merged);
      if (!next.success) throw new KilnError('VALIDATION', `Invalid settings: ${describeZodError(next.error)}`);
      try {
        await writeStateFile(this.file, toPrettyJson(next.data));
      } catch (error) {
        throw diskError(error, 'save settings') ?? error;
      }
      this.current = next.data;
      this.changed.fire(this.get());
      return this.get();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Renames `file` to the first free `file.bak`, `file.bak.1`, … (never over an older backup). */
async function moveToFreeBackup(file: string): Promise<string> {
  for (let n = 0; n < 1000; n++) {
    const backup = n === 0 ? `${file}.bak` : `${file}.bak.${n}`;
    // link + unlink instead of rename: rename would silently replace a backup made meanwhile.
    try {
      await fs.link(file, backup);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
        // No hard links here (some file systems): rename to a name checked free just now.
        if (await fs.lstat(backup).then(() => true, () => false)) continue;
        await fs.rename(file, backup);
        return backup;
      }
      throw error;
    }
    await fs.unlink(file);
    return backup;
  }
  throw new KilnError('CONFLICT', `There are too many settings backups next to ${file}; remove old ones.`);
}
