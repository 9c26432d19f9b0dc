import { z } from 'zod';

/**
 * The rules about artifact folders that both main and the renderer need, each defined once.
 * Pure: no Node, no DOM. Main-only rules (paths on disk, confinement) build on these.
 */

// ── slug ─────────────────────────────────────────────────────────────────────────────────

/** A folder name may be at most 255 bytes on every disk Kiln runs on (ext4, APFS, NTFS). */
export const MAX_SLUG_BYTES = 255;

const utf8 = new TextEncoder();

/**
 * Why a string can't be an artifact folder name, or null when it can. Any name anton's store
 * can produce or a user can create is accepted (`My Report`, `café-1a2b3c4d`, `a.b`); refused
 * are only what isn't a single folder name: empty, `.`, `..`, path separators, NUL, and names
 * over 255 bytes of UTF-8.
 */
export function slugProblem(slug: unknown): string | null {
  if (typeof slug !== 'string' || slug.length === 0) return 'must be a folder name, not empty';
  if (slug === '.' || slug === '..') return 'must not be "." or ".."';
  if (/[/\\\0]/.test(slug)) return 'must be a folder name, without /, \\ or NUL';
  if (utf8.encode(slug).length > MAX_SLUG_BYTES) return `must be at most ${MAX_SLUG_BYTES} bytes long`;
  return null;
}

/** The one slug schema of every contract endpoint, agent tool, preview route and backend call. */
export const slugSchema = z.string().superRefine((s, ctx) => {
  const problem = slugProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// ── types ────────────────────────────────────────────────────────────────────────────────

/** The artifact types anton knows (anton-format.md §2). */
export const artifactTypes = [
  'html-app',
  'document',
  'dataset',
  'image',
  'mixed',
  'fullstack-stateless-app',
  'fullstack-stateful-app',
] as const;

/** A fullstack app has a Python backend (`backend.py`) Kiln supervises. Takes any string: records on disk may carry unknown types. */
export function isFullstackType(type: string | null | undefined): boolean {
  return type === 'fullstack-stateless-app' || type === 'fullstack-stateful-app';
}

// ── bookkeeping files ────────────────────────────────────────────────────────────────────

/** The files at an artifact's top level that are the record and its bookkeeping, not its content. */
export const METADATA_FILE = 'metadata.json';
export const README_FILE = 'README.md';
/** anton's owner-side publish state; anton keeps a publish password there in clear (format §5.5). */
export const PUBLISHED_STATE_FILE = '.published.json';
export const BACKEND_LOG_FILE = 'backend.log';

const BOOKKEEPING = [METADATA_FILE, README_FILE, PUBLISHED_STATE_FILE, BACKEND_LOG_FILE].map((n) => n.toLowerCase());

/** Case-insensitive: macOS and Windows disks are, so `Metadata.JSON` is the record there. */
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The last segment of a `/` or `\` separated path. */
function baseName(rel: string): string {
  const parts = rel.split(/[/\\]/);
  return parts[parts.length - 1] ?? '';
}

/** True when `rel` is at the artifact's top level (no folder part). */
function isTopLevel(rel: string): boolean {
  return !/[/\\]/.test(rel.replace(/^\.?[/\\]+/, ''));
}

/**
 * metadata.json, README.md, .published.json, backend.log at the top level, in any letter case;
 * a publish state (or its backup) at any depth; the rolled-over backend log.
 */
export function isBookkeepingFile(rel: string): boolean {
  if (isPublishStateFile(rel) || isBackendLog(rel)) return true;
  return isTopLevel(rel) && BOOKKEEPING.includes(baseName(rel).toLowerCase());
}

/** The record file itself (`metadata.json`, any case, top level). */
export function isMetadataFile(rel: string): boolean {
  return isTopLevel(rel) && sameName(baseName(rel), METADATA_FILE);
}

/**
 * The backend's log (`backend.log`, any case, top level) and its rolled-over copy
 * (`backend.log.1`): their growth is not a content change.
 */
export function isBackendLog(rel: string): boolean {
  return isTopLevel(rel) && /^backend\.log(\.1)?$/i.test(baseName(rel));
}

/**
 * A publish state file at any depth and in any letter case (anton writes it next to the primary,
 * e.g. `site/.published.json`). It holds anton's access password in clear, so it never leaves main.
 */
export function isPublishStateFile(rel: string): boolean {
  const name = baseName(rel).toLowerCase();
  // `.published.json.bak` is the copy Kiln keeps of a damaged one: the same secrets.
  return name === PUBLISHED_STATE_FILE || name === `${PUBLISHED_STATE_FILE}.bak`;
}

// ── folders and files that are tooling, never content ────────────────────────────────────

/** Exported for watchers that must skip these folders natively (not just filter their events). */
export const TOOLING_DIRS: readonly string[] = ['__pycache__', 'node_modules', '.venv', '.git'];

/** A folder that holds tooling state or caches; walks, watchers and bundles skip it. */
export function isToolingDir(name: string): boolean {
  return TOOLING_DIRS.includes(name.toLowerCase());
}

/** Kiln's own atomic-write temp files (`.<name>.<random>.tmp`), which exist for a moment. */
export function isAtomicTempFile(name: string): boolean {
  return /^\..+\.tmp$/i.test(name);
}
