import { defaultSettings, settingsSchema, type Settings } from '../../../shared/contract/settings';

export interface Salvage {
  settings: Settings;
  /** Sections taken from the damaged file. */
  kept: string[];
  /** Sections that fell back to defaults. */
  reset: string[];
}

/** The `{…}` text that starts at `from` (a `{`), braces counted outside strings; null when cut off. */
function balancedObject(text: string, from: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return null;
}

/** The value of top-level section `name` in text that may not parse as a whole (truncated, a stray comma). */
function sectionFromText(text: string, name: string): unknown {
  const re = new RegExp(`"${name}"\\s*:\\s*\\{`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const obj = balancedObject(text, m.index + m[0].length - 1);
    if (!obj) continue;
    try {
      return JSON.parse(obj) as unknown;
    } catch {
      // Not this occurrence; a later one may parse.
    }
  }
  return undefined;
}

/**
 * Rescues what it can from a settings file that fails validation: each section that parses
 * and validates on its own is kept (the workspace above all: without it the gallery opens an
 * empty folder and the user's work seems gone); the others take their defaults. Works on a
 * file cut off mid-way too, by finding each section's own `{…}`.
 */
export function salvageSettings(raw: string): Salvage {
  let whole: Record<string, unknown> | null = null;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) whole = parsed as Record<string, unknown>;
  } catch {
    whole = null;
  }
  const settings = defaultSettings() as Record<string, unknown>;
  const kept: string[] = [];
  const reset: string[] = [];
  // Workspace first: it is the one a user would miss at once.
  const names = ['workspace', ...Object.keys(settingsSchema.shape).filter((n) => n !== 'workspace')];
  for (const name of names) {
    const value = whole ? whole[name] : sectionFromText(raw, name);
    const schema = settingsSchema.shape[name as keyof typeof settingsSchema.shape];
    const ok = value !== undefined ? schema.safeParse(value) : null;
    if (ok?.success) {
      settings[name] = ok.data;
      kept.push(name);
    } else {
      reset.push(name);
    }
  }
  return { settings: settingsSchema.parse(settings), kept, reset };
}
