import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';
import type { StoredAccess } from './access';
import { PUBLISHED_STATE_FILE } from '../../../shared/artifacts/rules';
import { passwordAccount, type SecretsPort } from './ports';

export const PUBLISHED_FILE = PUBLISHED_STATE_FILE;

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

/** The key anton uses: the primary's file name, `index.html` for fullstack apps. */
export function publishedKey(primary: string | null, fullstack: boolean): string {
  if (fullstack || !primary) return 'index.html';
  return path.posix.basename(primary.split(path.sep).join('/'));
}

type PublishedFile = Record<string, Record<string, unknown>>;

async function readRaw(dir: string): Promise<PublishedFile> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, PUBLISHED_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
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
  if (!raw || typeof raw.report_id !== 'string' || raw.report_id === '') return null;
  const mode = raw.mode === 'password' || raw.mode === 'restricted' ? raw.mode : 'public';
  return {
    ...raw,
    report_id: raw.report_id,
    url: typeof raw.url === 'string' ? raw.url : '',
    last_md5: typeof raw.last_md5 === 'string' ? raw.last_md5 : '',
    mode,
    requires_password: mode === 'password',
  };
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

/**
 * Reads this artifact's publish state. A file written by anton may hold the plaintext
 * password: it is moved into the keychain and the file is rewritten without it, before
 * anything else happens, so the plaintext leaves the disk at the first read.
 */
export async function readPublished(
  dir: string,
  key: string,
  artifactId: string,
  secrets: SecretsPort,
): Promise<PublishedEntry | null> {
  const file = await readRaw(dir);
  let migrated = false;
  for (const value of Object.values(file)) {
    if (value && typeof value === 'object' && 'password' in value) {
      const plain = value.password;
      if (typeof plain === 'string' && plain !== '' && artifactId) await secrets.set(passwordAccount(artifactId), plain);
      delete value.password;
      migrated = true;
    }
  }
  if (migrated) await writeFileAtomic(path.join(dir, PUBLISHED_FILE), toPrettyJson(file), 0o600);
  const keys = Object.keys(file);
  const chosen = file[key] ?? (keys.length === 1 ? file[keys[0]!] : undefined);
  return asEntry(chosen);
}

/** Writes (or, with null, removes) this artifact's entry; other entries are kept. */
export async function writePublished(dir: string, key: string, entry: PublishedEntry | null): Promise<void> {
  const file = await readRaw(dir);
  // anton's older files may use another key for the same report; one entry per artifact.
  for (const k of Object.keys(file)) {
    if (k === key || (entry && file[k]?.report_id === entry.report_id) || (!entry && Object.keys(file).length === 1)) delete file[k];
  }
  if (entry) {
    const clean: Record<string, unknown> = { ...entry };
    delete clean.password;
    file[key] = clean;
  }
  const target = path.join(dir, PUBLISHED_FILE);
  if (Object.keys(file).length === 0) await fs.rm(target, { force: true });
  else await writeFileAtomic(target, toPrettyJson(file), 0o600);
}

export function entryFromAccess(base: { report_id: string; url: string; last_md5: string }, access: StoredAccess, previous: PublishedEntry | null): PublishedEntry {
  const extra: Record<string, unknown> = { ...(previous ?? {}) };
  for (const k of ['pwd_version', 'emails', 'org_allowed', 'access_version', 'password']) delete extra[k];
  const entry: PublishedEntry = {
    ...extra,
    ...base,
    mode: access.mode,
    requires_password: access.mode === 'password',
  };
  if (access.mode === 'password') entry.pwd_version = access.pwdVersion ?? 1;
  if (access.mode === 'restricted') {
    entry.emails = access.emails ?? [];
    entry.org_allowed = access.orgAllowed ?? false;
    entry.access_version = access.accessVersion ?? 1;
  }
  return entry;
}
