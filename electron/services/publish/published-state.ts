import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';
import { safeReadText } from '../fs/safe-read';
import type { StoredAccess } from './access';
import { PUBLISHED_STATE_FILE } from '../../../shared/artifacts/rules';

export const PUBLISHED_FILE = PUBLISHED_STATE_FILE;
/** The field where anton keeps a report's password in clear (its "keep" reads it back). */
export const ANTON_PASSWORD_FIELD = 'access_password';

/** One entry of `.published.json`, in anton's field names (anton-format.md §5.5). */
export interface PublishedEntry {
  report_id: string;
  url: string;
  last_md5: string;
  mode: 'public' | 'password' | 'restricted';
  requires_password: boolean;
  pwd_version?: number;
  emails?: string[];
  org_allowed?: boolean;
  access_version?: number;
  /** Fields Kiln does not know are kept as they were. */
  [extra: string]: unknown;
}

/**
 * Where anton keeps an artifact's publish state (`publish_access.resolve_publish_target`): a
 * fullstack app's at the artifact root, a static page's next to its primary file
 * (`site/.published.json` for `site/index.html`); keyed by the primary's file name either way.
 * `legacyDir` is the artifact root, where Kiln kept a static page's state before it followed
 * anton; it is still read so an earlier publish is never forgotten.
 */
export interface PublishedLocation {
  dir: string;
  key: string;
  legacyDir: string | null;
}

/**
 * The location for a record. A primary that leaves the folder, or a folder on the way that is
 * a link leading elsewhere, falls back to the artifact root: Kiln never writes outside it.
 */
export async function publishedLocation(artifactDir: string, primary: string | null, fullstack: boolean): Promise<PublishedLocation> {
  const rel = primary ? path.posix.normalize(primary.replace(/\\/g, '/')) : null;
  const key = rel && !rel.endsWith('/') ? path.posix.basename(rel) : 'index.html';
  const sub = rel && !fullstack ? path.posix.dirname(rel) : '.';
  if (sub === '.' || sub === '..' || sub.startsWith('../') || path.posix.isAbsolute(sub)) return { dir: artifactDir, key, legacyDir: null };
  const dir = path.join(artifactDir, ...sub.split('/'));
  const [realRoot, realDir] = await Promise.all([fs.realpath(artifactDir).catch(() => null), fs.realpath(dir).catch(() => null)]);
  if (!realRoot || !realDir || !realDir.startsWith(`${realRoot}${path.sep}`)) return { dir: artifactDir, key, legacyDir: null };
  return { dir, key, legacyDir: artifactDir };
}

type PublishedFile = Record<string, Record<string, unknown>>;

/** anton's file holds a few small entries; anything bigger is not one. */
const MAX_STATE_BYTES = 1024 * 1024;

async function readRaw(dir: string): Promise<PublishedFile> {
  let text: string;
  try {
    // No-follow and non-blocking: a link planted by model-written code (to another app's JSON,
    // or another report's state) or a FIFO must not be taken for this artifact's publish record.
    text = await safeReadText(path.join(dir, PUBLISHED_FILE), { maxBytes: MAX_STATE_BYTES, label: PUBLISHED_FILE });
  } catch (error) {
    if (isKilnError(error) && error.code === 'NOT_FOUND') return {};
    throw error; // a link, a FIFO, too large: the error says so and what to do
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as PublishedFile;
  } catch {
    // Reported below.
  }
  // Never treat a damaged file as "not published": the next publish would create a second
  // report and orphan the live one. Keep a copy and ask the user to repair or remove it.
  const backup = path.join(dir, `${PUBLISHED_FILE}.bak`);
  await fs.copyFile(path.join(dir, PUBLISHED_FILE), backup, fs.constants.COPYFILE_EXCL).catch(() => undefined);
  throw new KilnError(
    'CONFLICT',
    `This artifact's publish record (${PUBLISHED_FILE}) is damaged, so Kiln can't tell which report it was published as. Fix the file, or delete it to publish as a new report; a copy is kept as ${PUBLISHED_FILE}.bak.`,
  );
}

function asEntry(raw: Record<string, unknown> | undefined): PublishedEntry | null {
  if (!raw || typeof raw !== 'object' || typeof raw.report_id !== 'string' || raw.report_id === '') return null;
  // anton reads a missing mode from requires_password (`access_from_owner_side`).
  const mode = raw.mode === 'password' || raw.mode === 'restricted' || raw.mode === 'public' ? raw.mode : raw.requires_password === true ? 'password' : 'public';
  return {
    ...raw,
    report_id: raw.report_id,
    url: typeof raw.url === 'string' ? raw.url : '',
    last_md5: typeof raw.last_md5 === 'string' ? raw.last_md5 : '',
    mode,
    requires_password: mode === 'password',
  };
}

function pick(file: PublishedFile, key: string): PublishedEntry | null {
  const keys = Object.keys(file);
  return asEntry(file[key] ?? (keys.length === 1 ? file[keys[0]!] : undefined));
}

export function entryAccess(entry: PublishedEntry | null): StoredAccess | null {
  if (!entry) return null;
  return {
    mode: entry.mode,
    pwdVersion: typeof entry.pwd_version === 'number' ? entry.pwd_version : undefined,
    emails: Array.isArray(entry.emails) ? entry.emails.filter((e): e is string => typeof e === 'string') : undefined,
    orgAllowed: typeof entry.org_allowed === 'boolean' ? entry.org_allowed : undefined,
    accessVersion: typeof entry.access_version === 'number' ? entry.access_version : undefined,
  };
}

/** anton's plaintext password of a password report, when its file holds one. */
export function antonPassword(entry: PublishedEntry | null): string | null {
  const value = entry?.[ANTON_PASSWORD_FIELD];
  return entry?.mode === 'password' && typeof value === 'string' && value !== '' ? value : null;
}

export interface PublishedState {
  /** The report this artifact is published as (anton's location first), or null. */
  entry: PublishedEntry | null;
  /** Where `entry` was found (null when not published). */
  foundIn: string | null;
  /** Other reports recorded for the same artifact (an earlier Kiln publish at the root). */
  others: PublishedEntry[];
}

/** Reads this artifact's publish state from anton's location, then Kiln's earlier one. Never writes. */
export async function readPublished(loc: PublishedLocation): Promise<PublishedState> {
  const main = pick(await readRaw(loc.dir), loc.key);
  const legacy = loc.legacyDir ? pick(await readRaw(loc.legacyDir), loc.key) : null;
  if (main) return { entry: main, foundIn: loc.dir, others: legacy && legacy.report_id !== main.report_id ? [legacy] : [] };
  if (legacy) return { entry: legacy, foundIn: loc.legacyDir, others: [] };
  return { entry: null, foundIn: null, others: [] };
}

async function writeFileState(dir: string, file: PublishedFile): Promise<void> {
  const target = path.join(dir, PUBLISHED_FILE);
  if (Object.keys(file).length === 0) await fs.rm(target, { force: true });
  else await writeFileAtomic(target, toPrettyJson(file), 0o600);
}

/** Drops from one file the entry under `key` (when given) and every entry of `reportIds`; writes only on a change. */
async function dropFrom(dir: string, key: string | null, reportIds: Set<string>): Promise<void> {
  const file = await readRaw(dir);
  let changed = false;
  for (const k of Object.keys(file)) {
    const id = file[k]?.report_id;
    if (k === key || (typeof id === 'string' && reportIds.has(id))) {
      delete file[k];
      changed = true;
    }
  }
  if (changed) await writeFileState(dir, file);
}

/**
 * Writes this artifact's entry where anton keeps it, other entries of that file kept. An entry
 * for the same report in Kiln's earlier location is removed, so one report has one record.
 */
export async function writePublished(loc: PublishedLocation, entry: PublishedEntry): Promise<void> {
  const file = await readRaw(loc.dir);
  // anton's older files may use another key for the same report; one entry per report.
  for (const k of Object.keys(file)) if (k !== loc.key && file[k]?.report_id === entry.report_id) delete file[k];
  file[loc.key] = { ...entry };
  await writeFileState(loc.dir, file);
  if (loc.legacyDir) await dropFrom(loc.legacyDir, null, new Set([entry.report_id]));
}

/** Removes every record of this artifact's reports (both locations) after an unpublish. */
export async function clearPublished(loc: PublishedLocation, reportIds: string[]): Promise<void> {
  const ids = new Set(reportIds);
  await dropFrom(loc.dir, loc.key, ids);
  if (loc.legacyDir) await dropFrom(loc.legacyDir, null, ids);
}

/**
 * The entry to store after a publish, in anton's field order. Fields Kiln doesn't know are kept.
 * anton's plaintext password is kept in step only when the file already had one (anton's "keep"
 * needs it): Kiln never puts a plaintext password on disk itself, and drops it when the report
 * is no longer a password report, as anton does.
 */
export function entryFromAccess(
  base: { report_id: string; url: string; last_md5: string },
  access: StoredAccess,
  previous: PublishedEntry | null,
  password: string | null,
): PublishedEntry {
  const hadPlaintext = typeof previous?.[ANTON_PASSWORD_FIELD] === 'string';
  const extra: Record<string, unknown> = { ...(previous ?? {}) };
  for (const k of ['mode', 'requires_password', ANTON_PASSWORD_FIELD, 'pwd_version', 'emails', 'org_allowed', 'access_version', 'report_id', 'url', 'last_md5']) delete extra[k];
  const entry: PublishedEntry = { mode: access.mode, requires_password: access.mode === 'password', ...base };
  if (access.mode === 'password') {
    if (hadPlaintext && password) entry[ANTON_PASSWORD_FIELD] = password;
    entry.pwd_version = access.pwdVersion ?? 1;
  }
  if (access.mode === 'restricted') {
    entry.emails = access.emails ?? [];
    entry.org_allowed = access.orgAllowed ?? false;
    entry.access_version = access.accessVersion ?? 1;
  }
  // anton's order: access fields, then report_id, url, last_md5; unknown fields after.
  const ordered: PublishedEntry = {
    mode: entry.mode,
    requires_password: entry.requires_password,
    ...(entry[ANTON_PASSWORD_FIELD] !== undefined ? { [ANTON_PASSWORD_FIELD]: entry[ANTON_PASSWORD_FIELD] } : {}),
    ...(entry.pwd_version !== undefined ? { pwd_version: entry.pwd_version } : {}),
    ...(entry.emails !== undefined ? { emails: entry.emails, org_allowed: entry.org_allowed, access_version: entry.access_version } : {}),
    report_id: base.report_id,
    url: base.url,
    last_md5: base.last_md5,
    ...extra,
  };
  return ordered;
}
