import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isBackendLog, isMetadataFile, isPublishStateFile } from '../../../shared/artifacts/rules';
import type { ChangeAuthor, FileEntry } from '../../../shared/contract/artifacts';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import { writeFileAtomic } from '../fs/atomic-write';
import { notRegularError, openRegular, safeReadFile } from '../fs/safe-read';
import { normalizeRelPath } from './confine';
import { isContentPath, walkFiles } from './files';
import { bookkeepingAlias } from './hard-links';
import type { OwnWrites } from './own-writes';
import type { ArtifactPaths } from './paths';

/** A regular file inside an artifact, confined and checked: safe to stream or zip. */
export interface LocatedFile {
  /** Artifact-relative, `/` separated. */
  path: string;
  abs: string;
  bytes: number;
  mtimeMs: number;
}

export interface ArtifactFilesDeps {
  paths: ArtifactPaths;
  own: OwnWrites;
  /** After Kiln changed files of an artifact: the store reconciles files[] and emits one change. */
  changed(slug: string, paths: string[], by: ChangeAuthor): Promise<void>;
}

/** Why a bookkeeping path is refused, in words the agent and the user can act on. */
function reservedMessage(rel: string): string {
  if (isPublishStateFile(rel)) return `${rel} holds publish state (and, from anton, a password); Kiln does not read or write it here.`;
  if (isBackendLog(rel)) return `${rel} is the backend's log, written by Kiln; read it with backend_logs.`;
  if (isMetadataFile(rel)) return `${rel} is maintained by Kiln; change the artifact with update_artifact instead.`;
  return `${rel} is maintained by Kiln from the record; it is not an artifact file.`;
}

/**
 * The one door to the files inside artifact folders: the agent's tools, the preview readers,
 * the preview server and publishing read and write through it. Every path is confined to its
 * artifact (no `..`, no symlink out); bookkeeping files (the record, README, backend.log,
 * publish state at any depth) are refused in any letter case; every write and delete is
 * remembered (so the watcher can skip its echo) and reported once to the store.
 */
export class ArtifactFiles {
  constructor(private readonly d: ArtifactFilesDeps) {}

  /** Creates or replaces a file (parent folders created). One change event. */
  async write(slug: string, relPath: string, data: string | Uint8Array, by: ChangeAuthor): Promise<{ path: string; bytes: number }> {
    const { rel, abs, dir } = await this.content(slug, relPath, 'replace');
    const st = await fs.lstat(abs).catch(() => null);
    if (st?.isDirectory()) throw new KilnError('CONFLICT', `${rel} is a folder; choose a file name.`);
    await this.makeParents(dir, rel);
    await this.d.own.during([abs], () => writeFileAtomic(abs, data));
    await this.d.changed(slug, [rel], by);
    return { path: rel, bytes: typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength };
  }

  /**
   * Writes and removes several content files as one change (a history restore): each path
   * confined and checked like `write` and `remove`; one change event for all of them.
   */
  async apply(slug: string, writes: { path: string; data: Uint8Array }[], removes: string[], by: ChangeAuthor): Promise<string[]> {
    const rels: string[] = [];
    for (const w of writes) {
      const { rel, abs, dir } = await this.content(slug, w.path, 'replace');
      if ((await fs.lstat(abs).catch(() => null))?.isDirectory()) await this.d.own.during([abs], () => fs.rm(abs, { recursive: true, force: true }));
      await this.makeParents(dir, rel);
      await this.d.own.during([abs], () => writeFileAtomic(abs, w.data));
      rels.push(rel);
    }
    for (const r of removes) {
      const { rel, abs } = await this.content(slug, r, 'replace');
      if (!(await fs.lstat(abs).catch(() => null))) continue;
      await this.d.own.during([abs], () => fs.rm(abs, { recursive: true, force: true }));
      rels.push(rel);
    }
    if (rels.length > 0) await this.d.changed(slug, rels, by);
    return rels;
  }

  /** Removes a file or a folder with everything in it; false when there was nothing. One change event. */
  async remove(slug: string, relPath: string, by: ChangeAuthor): Promise<boolean> {
    const { rel, abs } = await this.content(slug, relPath, 'replace');
    const st = await fs.lstat(abs).catch(() => null);
    if (!st) return false;
    await this.d.own.during([abs], () => fs.rm(abs, { recursive: true, force: true }));
    await this.d.changed(slug, [rel], by);
    return true;
  }

  /** A regular content file's bytes; `maxBytes` refuses a larger one before reading it. */
  async read(slug: string, relPath: string, opts: { maxBytes?: number } = {}): Promise<{ path: string; data: Buffer }> {
    const file = await this.regular(slug, relPath);
    if (opts.maxBytes !== undefined && file.bytes > opts.maxBytes) {
      throw new KilnError('UNSUPPORTED', `"${file.path}" is ${file.bytes} bytes, more than the ${opts.maxBytes} that can be read here.`);
    }
    try {
      // Opened without blocking and checked again: the file may have become a FIFO since `regular`.
      return { path: file.path, data: await safeReadFile(file.abs, { maxBytes: opts.maxBytes ?? Number.MAX_SAFE_INTEGER, followLinks: true, label: file.path }) };
    } catch (error) {
      throw isKilnError(error) ? error : readError(file.path, error);
    }
  }

  /** The first `maxBytes` of a file, and whether that was all of it. */
  async readPrefix(slug: string, relPath: string, maxBytes: number): Promise<{ path: string; data: Buffer; complete: boolean }> {
    const file = await this.regular(slug, relPath);
    let handle;
    try {
      ({ handle } = await openRegular(file.abs, { maxBytes: Number.MAX_SAFE_INTEGER, followLinks: true, label: file.path }));
    } catch (error) {
      throw isKilnError(error) ? error : readError(file.path, error);
    }
    try {
      const want = Math.min(file.bytes, maxBytes);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buf, 0, want, 0);
      return { path: file.path, data: buf.subarray(0, bytesRead), complete: bytesRead >= file.bytes };
    } finally {
      await handle.close();
    }
  }

  /**
   * A regular content file, confined and checked, for streaming or zipping: NOT_FOUND when
   * absent, UNSUPPORTED for a folder or anything else that isn't a plain file.
   */
  async regular(slug: string, relPath: string): Promise<LocatedFile> {
    const { rel, abs, dir } = await this.content(slug, relPath);
    let st;
    try {
      st = await fs.stat(abs);
    } catch {
      throw new KilnError('NOT_FOUND', `"${rel}" does not exist in this artifact.`);
    }
    if (st.isDirectory()) throw new KilnError('UNSUPPORTED', `"${rel}" is not a regular file.`);
    if (!st.isFile()) throw notRegularError(`"${rel}"`, st);
    const alias = await bookkeepingAlias(dir, st);
    if (alias) throw new KilnError('FORBIDDEN', `${rel} is another name (a hard link) of ${alias}. ${reservedMessage(alias)}`, undefined, 'reserved-file');
    return { path: rel, abs, bytes: st.size, mtimeMs: st.mtimeMs };
  }

  /** Like `regular`, but null for a path that is absent, refused or not a file. Never throws. */
  async find(slug: string, relPath: string): Promise<LocatedFile | null> {
    return this.regular(slug, relPath).catch(() => null);
  }

  /** What is at a path: a file, a folder, or nothing (null). Bookkeeping paths are refused. */
  async kind(slug: string, relPath: string): Promise<'file' | 'dir' | null> {
    const { abs } = await this.content(slug, relPath);
    const st = await fs.stat(abs).catch(() => null);
    return st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : null;
  }

  /** The content files (all, or under one sub-folder), as files[] lists them. */
  async list(slug: string, sub?: string): Promise<FileEntry[]> {
    if (sub === undefined || sub === '' || sub === '.') return walkFiles(await this.d.paths.dir(slug));
    const { rel, dir } = await this.content(slug, sub);
    return walkFiles(dir, rel);
  }

  /**
   * Confined path of a content (non-bookkeeping) file. Checked twice: the path as given, and
   * the path it really reaches, so a link (`leak.txt -> .published.json`, `sub -> .`) planted by
   * a backend, `run_python` or anton can't turn a bookkeeping file into content.
   */
  private async content(slug: string, relPath: string, mode: 'use' | 'replace' = 'use'): Promise<{ dir: string; rel: string; abs: string }> {
    const rel = normalizeRelPath(relPath);
    if (!isContentPath(rel)) throw new KilnError('FORBIDDEN', reservedMessage(rel), undefined, 'reserved-file');
    const resolved = await this.d.paths.resolve(slug, rel);
    // Writing (an atomic rename) or removing replaces a link at the last step, never its target:
    // there only the folder it sits in is followed, so a planted link can be cleaned up.
    const realRel = mode === 'replace' ? await this.realParentRel(resolved.dir, resolved.abs) : resolved.realRel;
    if (realRel !== rel && !isContentPath(realRel)) {
      throw new KilnError('FORBIDDEN', `${rel} is a link to ${realRel}. ${reservedMessage(realRel)}`, undefined, 'reserved-file');
    }
    return resolved;
  }

  private async realParentRel(dir: string, abs: string): Promise<string> {
    const parent = await this.d.paths.realRelative(dir, path.dirname(abs));
    return parent === '' ? path.basename(abs) : `${parent}/${path.basename(abs)}`;
  }

  /** mkdir -p, remembering each folder Kiln made so its watcher notice is known as ours. */
  private async makeParents(dir: string, rel: string): Promise<void> {
    const parts = rel.split('/').slice(0, -1);
    let at = dir;
    for (const part of parts) {
      at = path.join(at, part);
      try {
        await fs.mkdir(at);
        this.d.own.written(at);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
}

function readError(rel: string, error: unknown): KilnError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KilnError('NOT_FOUND', `"${rel}" does not exist in this artifact.`);
  if (code === 'EACCES' || code === 'EPERM') return new KilnError('IO', `"${rel}" can't be read (permission denied).`);
  return new KilnError('IO', `"${rel}" can't be read (${code ?? 'error'}).`);
}

/**
 * Copies the content files of `source` into `dest` (bookkeeping never, and only what `keep`
 * allows); returns their paths relative to `dest`, `/`-separated.
 */
export async function copyContent(source: string, dest: string, keep: (src: string) => boolean): Promise<string[]> {
  const written: string[] = [];
  await fs.cp(source, dest, {
    recursive: true,
    filter: (src) => {
      if (!keep(src)) return false;
      const rel = path.relative(source, src).split(path.sep).join('/');
      if (rel !== '' && !isContentPath(rel)) return false;
      if (rel !== '') written.push(rel);
      return true;
    },
  });
  return written;
}
