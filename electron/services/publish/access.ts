import { pbkdf2 as pbkdf2Cb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { KilnError } from '../../../shared/contract/core';

const pbkdf2 = promisify(pbkdf2Cb);

export const PBKDF2_ITERATIONS = 200_000;

/** anton's password hash: `pbkdf2_sha256$200000$<b64 salt16>$<b64 dk32>` (anton-format.md §5.3). */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const dk = await pbkdf2(password, salt, PBKDF2_ITERATIONS, 32, 'sha256');
  return `pbkdf2_sha256$${PBKDF2_ITERATIONS}$${salt.toString('base64')}$${dk.toString('base64')}`;
}

const EMAIL_RE = /^[^\s@,;<>()[\]"]+@[^\s@,;<>()[\]"]+\.[^\s@,;<>()[\]"]+$/;

/** Trimmed, lowercased, de-duplicated in first-seen order; invalid entries are returned apart. */
export function normalizeEmails(raw: string[]): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const entry of raw) {
    // A pasted list ("a@x.com, b@y.com") is one field in the UI; split it here too.
    for (const piece of entry.split(/[\s,;]+/)) {
      const email = piece.trim().toLowerCase();
      if (email === '') continue;
      if (!EMAIL_RE.test(email)) invalid.push(piece.trim());
      else if (!valid.includes(email)) valid.push(email);
    }
  }
  return { valid, invalid };
}

/** Access state kept in `.published.json` (without any plaintext). */
export interface StoredAccess {
  mode: 'public' | 'password' | 'restricted';
  pwdVersion?: number | undefined;
  emails?: string[] | undefined;
  orgAllowed?: boolean | undefined;
  accessVersion?: number | undefined;
}

export type AccessBlock =
  | { mode: 'public' }
  | { mode: 'password'; password_hash: string; pwd_version: number }
  | { mode: 'restricted'; allowed_emails: string[]; org_allowed: boolean; access_version: number };

export type AccessInput =
  | { mode: 'public' }
  | { mode: 'password'; password?: string | undefined }
  | { mode: 'restricted'; emails: string[]; orgAllowed: boolean };

export interface ResolvedAccess {
  block: AccessBlock;
  stored: StoredAccess;
  /** A new plaintext to keep in the keychain once the publish succeeds. */
  newPassword: string | null;
}

/**
 * Turns the user's choice plus what was published before into the request's access block.
 * Versions go up only when the password, the e-mail list or the org flag really change. A
 * restricted choice without one valid e-mail is refused, never turned into a public report.
 */
export async function resolveAccess(
  choice: AccessInput,
  previous: StoredAccess | null,
  storedPassword: string | null,
): Promise<ResolvedAccess> {
  if (choice.mode === 'public') return { block: { mode: 'public' }, stored: { mode: 'public' }, newPassword: null };
  if (choice.mode === 'password') {
    const given = choice.password ?? '';
    const password = given !== '' ? given : storedPassword;
    if (!password) {
      throw new KilnError('VALIDATION', 'Choose a password for this report, or pick another access mode.');
    }
    const prevVersion = previous?.pwdVersion ?? 0;
    const changed = previous?.mode !== 'password' || password !== storedPassword;
    const pwdVersion = changed ? prevVersion + 1 : Math.max(1, prevVersion);
    return {
      block: { mode: 'password', password_hash: await hashPassword(password), pwd_version: pwdVersion },
      stored: { mode: 'password', pwdVersion },
      newPassword: password !== storedPassword ? password : null,
    };
  }
  const { valid, invalid } = normalizeEmails(choice.emails);
  if (invalid.length > 0 && valid.length > 0) {
    throw new KilnError('VALIDATION', `These e-mail addresses are not valid: ${invalid.slice(0, 5).join(', ')}. Fix or remove them; nothing was published.`);
  }
  if (valid.length === 0) {
    const hint = invalid.length > 0 ? ` (not valid: ${invalid.slice(0, 3).join(', ')})` : '';
    throw new KilnError(
      'VALIDATION',
      `Restricted access needs at least one valid e-mail address${hint}. Nothing was published; add an address or pick another access mode.`,
    );
  }
  const prevVersion = previous?.accessVersion ?? 0;
  const same =
    previous?.mode === 'restricted' &&
    previous.orgAllowed === choice.orgAllowed &&
    JSON.stringify(previous.emails ?? []) === JSON.stringify(valid);
  const accessVersion = same ? Math.max(1, prevVersion) : prevVersion + 1;
  return {
    block: { mode: 'restricted', allowed_emails: valid, org_allowed: choice.orgAllowed, access_version: accessVersion },
    stored: { mode: 'restricted', emails: valid, orgAllowed: choice.orgAllowed, accessVersion },
    newPassword: null,
  };
}

/** The choice that repeats what was published last time (re-publish keeps access unless changed). */
export function previousChoice(previous: StoredAccess | null): AccessInput {
  if (!previous || previous.mode === 'public') return { mode: 'public' };
  if (previous.mode === 'password') return { mode: 'password' };
  return { mode: 'restricted', emails: previous.emails ?? [], orgAllowed: previous.orgAllowed ?? false };
}
