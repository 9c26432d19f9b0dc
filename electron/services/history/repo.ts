import { createHash } from 'node:crypto';
import fsSync, { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { isoGit } from './iso-git';

const deflate = promisify(zlib.deflate);

/** The branch every history lives on; `git --git-dir=… log main` shows it. */
export const BRANCH = 'main';
const REF = `refs/heads/${BRANCH}`;

/** A file of a checkpoint: its blob and, for listing, its size. */
export interface TreeFile {
  oid: string;
  mode: string;
}

export interface CommitInfo {
  oid: string;
  parent: string | null;
  message: string;
  tree: string;
  /** Seconds since the epoch (git's resolution). */
  timestamp: number;
}

const AUTHOR = { name: 'Kiln', email: 'kiln@localhost' };

/**
 * A tree object's content as git writes it: entries in git's order (a folder sorts as if its
 * name ended in "/"), each `<mode> <name>\0<20-byte id>`.
 */
function treeContent(entries: { name: string; mode: string; oid: string; sortKey: string }[]): Uint8Array {
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

/** The blob id git gives these bytes (`git hash-object`), computed natively. */
export function blobOid(data: Uint8Array): string {
  const hash = createHash('sha1');
  hash.update(`blob ${data.byteLength}\0`);
  hash.update(data);
  return hash.digest('hex');
}

/**
 * One artifact's git repository (a git-dir with no work tree of its own), written with
 * isomorphic-git. Trees and commits are built directly from a snapshot of the artifact folder,
 * so no index file is kept: a checkpoint never stages anything in the artifact folder.
 */
export class HistoryRepo {
  /** isomorphic-git's object cache, kept for the life of this repo object. */
  private readonly cache: object = {};

  constructor(readonly gitdir: string) {}

  /** True when a git-dir exists at this path (damaged or not). */
  async exists(): Promise<boolean> {
    return (await fs.stat(this.gitdir).catch(() => null))?.isDirectory() ?? false;
  }

  async init(): Promise<void> {
    await fs.mkdir(path.dirname(this.gitdir), { recursive: true });
    await (await isoGit()).init({ fs: fsSync, gitdir: this.gitdir, bare: true, defaultBranch: BRANCH });
  }

  /** The newest checkpoint, or null for a history without one. Throws when the repo is unreadable. */
  async head(): Promise<string | null> {
    try {
      return await (await isoGit()).resolveRef({ fs: fsSync, gitdir: this.gitdir, ref: REF });
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFoundError') {
        // A repo with no HEAD file at all is damaged, not empty; so is a branch file that names no commit.
        await fs.access(path.join(this.gitdir, 'HEAD'));
        if (await fs.stat(path.join(this.gitdir, REF)).catch(() => null)) throw new Error(`${REF} does not name a commit`);
        return null;
      }
      throw error;
    }
  }

  /** Bytes of objects this process wrote (the size cap adds them to a measured size). */
  written = 0;

  /** Writes a blob unless git already has it; returns its id. */
  async writeBlob(data: Uint8Array, oid = blobOid(data)): Promise<string> {
    if (await this.hasLoose(oid)) return oid;
    // Hashed and deflated natively (off the main thread); isomorphic-git writes the object file.
    const deflated = await deflate(Buffer.concat([Buffer.from(`blob ${data.byteLength}\0`), data]));
    await (await isoGit()).writeObject({ fs: fsSync, gitdir: this.gitdir, type: 'blob', object: deflated, format: 'deflated', oid });
    this.written += deflated.byteLength;
    return oid;
  }

  private async hasLoose(oid: string): Promise<boolean> {
    return (await fs.stat(this.objectPath(oid)).catch(() => null)) !== null;
  }

  objectPath(oid: string): string {
    return path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  }

  /**
   * Writes the nested trees for a flat `path → file` map; returns the root tree id. Each tree's
   * id is computed here first, and only trees git doesn't have yet are written, so a checkpoint
   * that changed one file writes only the trees on that file's path.
   */
  async writeTree(files: ReadonlyMap<string, TreeFile>): Promise<string> {
    interface Dir {
      files: Map<string, TreeFile>;
      dirs: Map<string, Dir>;
    }
    const root: Dir = { files: new Map(), dirs: new Map() };
    for (const [rel, file] of files) {
      const parts = rel.split('/');
      let at = root;
      for (const part of parts.slice(0, -1)) {
        let next = at.dirs.get(part);
        if (!next) {
          next = { files: new Map(), dirs: new Map() };
          at.dirs.set(part, next);
        }
        at = next;
      }
      at.files.set(parts[parts.length - 1]!, file);
    }
    const write = async (dir: Dir): Promise<string> => {
      const entries: { name: string; mode: string; oid: string; sortKey: string }[] = [];
      for (const [name, f] of dir.files) entries.push({ name, mode: f.mode, oid: f.oid, sortKey: name });
      for (const [name, sub] of dir.dirs) entries.push({ name, mode: '40000', oid: await write(sub), sortKey: `${name}/` });
      return this.writeObject('tree', treeContent(entries));
    };
    return write(root);
  }

  /** Writes a raw object unless git already has it; returns its id. */
  private async writeObject(type: 'tree', content: Uint8Array): Promise<string> {
    const hash = createHash('sha1');
    hash.update(`${type} ${content.byteLength}\0`);
    hash.update(content);
    const oid = hash.digest('hex');
    if (await this.hasLoose(oid)) return oid;
    return (await isoGit()).writeObject({ fs: fsSync, gitdir: this.gitdir, type, object: content, format: 'content' });
  }

  /** A new commit on the branch; the branch moves to it. */
  async commit(input: { tree: string; parent: string | null; message: string; at: Date }): Promise<string> {
    const who = { ...AUTHOR, timestamp: Math.floor(input.at.getTime() / 1000), timezoneOffset: 0 };
    const oid = await (await isoGit()).writeCommit({
      fs: fsSync,
      gitdir: this.gitdir,
      commit: { message: input.message, tree: input.tree, parent: input.parent ? [input.parent] : [], author: who, committer: who },
    });
    await this.setHead(oid);
    return oid;
  }

  async setHead(oid: string): Promise<void> {
    await (await isoGit()).writeRef({ fs: fsSync, gitdir: this.gitdir, ref: REF, value: oid, force: true });
  }

  async readCommit(oid: string): Promise<CommitInfo> {
    const { commit } = await (await isoGit()).readCommit({ fs: fsSync, gitdir: this.gitdir, oid, cache: this.cache });
    return { oid, parent: commit.parent[0] ?? null, message: commit.message, tree: commit.tree, timestamp: commit.committer.timestamp };
  }

  /** A tree flattened to `path → file` (blobs only). */
  async files(tree: string): Promise<Map<string, TreeFile>> {
    const out = new Map<string, TreeFile>();
    const walk = async (oid: string, prefix: string): Promise<void> => {
      const { tree: entries } = await (await isoGit()).readTree({ fs: fsSync, gitdir: this.gitdir, oid, cache: this.cache });
      for (const e of entries) {
        const rel = prefix === '' ? e.path : `${prefix}/${e.path}`;
        if (e.type === 'tree') await walk(e.oid, rel);
        else if (e.type === 'blob') out.set(rel, { oid: e.oid, mode: e.mode });
      }
    };
    await walk(tree, '');
    return out;
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    const { blob } = await (await isoGit()).readBlob({ fs: fsSync, gitdir: this.gitdir, oid, cache: this.cache });
    return blob;
  }

  /** Bytes on disk of the whole git-dir. */
  async size(): Promise<number> {
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      await Promise.all(
        entries.map(async (e) => {
          const abs = path.join(dir, e.name);
          if (e.isDirectory()) await walk(abs);
          else {
            const bytes = (await fs.stat(abs).catch(() => null))?.size ?? 0;
            total += bytes;
          }
        }),
      );
    };
    await walk(this.gitdir);
    return total;
  }
}
