import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';

/**
 * What Kiln last did to a path: wrote it (with the stat signature it left), removed it, or is
 * changing it right now (a watcher may look before the write returns).
 */
type Mark = { kind: 'written'; sig: string } | { kind: 'removed' } | { kind: 'pending'; count: number };

/** Enough for every path of a long agent session; the oldest marks go first. */
const MAX_MARKS = 20_000;

function signature(st: Stats): string {
  // A folder's mtime moves whenever a file inside changes: only its identity counts.
  return st.isDirectory() ? `dir:${st.ino}` : `${st.mtimeMs}:${st.size}:${st.ino}`;
}

function statOf(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Kiln's record of its own recent writes and deletes, by absolute path, so a watcher can tell
 * the echo of Kiln's own change (the disk is exactly as Kiln left it) from an outside edit of
 * the same path (it isn't: the mark no longer matches and is forgotten).
 */
export class OwnWrites {
  private readonly marks = new Map<string, Mark>();

  /**
   * Runs a change of `paths`; while it runs they count as Kiln's own, whatever the disk shows
   * (metadata.json is written before README.md: a watcher looking in between must not take the
   * first for an outside edit). Afterwards each is remembered as it was left.
   */
  async during<T>(paths: readonly string[], change: () => Promise<T>): Promise<T> {
    for (const abs of paths) {
      const mark = this.marks.get(abs);
      this.set(abs, { kind: 'pending', count: mark?.kind === 'pending' ? mark.count + 1 : 1 });
    }
    try {
      return await change();
    } finally {
      for (const abs of paths) {
        const mark = this.marks.get(abs);
        if (mark?.kind === 'pending' && mark.count > 1) this.set(abs, { kind: 'pending', count: mark.count - 1 });
        else this.written(abs);
      }
    }
  }

  /** After Kiln wrote (or created) `abs`: remembers what it left there. */
  written(abs: string): void {
    const st = statOf(abs);
    this.set(abs, st ? { kind: 'written', sig: signature(st) } : { kind: 'removed' });
  }

  /** After Kiln removed `abs` (a file, or a folder with everything in it). */
  removed(abs: string): void {
    this.set(abs, { kind: 'removed' });
  }

  /**
   * True when `abs` is exactly as Kiln last left it. A path inside a folder Kiln removed counts
   * as Kiln's while it stays absent.
   */
  isOwn(abs: string): boolean {
    const st = statOf(abs);
    const mark = this.marks.get(abs);
    if (mark?.kind === 'pending') return true;
    // Inside a folder Kiln is changing right now (a copy, a removal): Kiln's, whatever is there.
    for (let dir = path.dirname(abs); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (this.marks.get(dir)?.kind === 'pending') return true;
    }
    if (mark) {
      const own = mark.kind === 'removed' ? st === undefined : st !== undefined && signature(st) === mark.sig;
      if (!own) this.marks.delete(abs); // someone else changed it since: later notices are theirs
      return own;
    }
    if (st !== undefined) return false;
    for (let dir = path.dirname(abs); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (this.marks.get(dir)?.kind === 'removed') return true;
    }
    return false;
  }

  private set(abs: string, mark: Mark): void {
    this.marks.delete(abs);
    this.marks.set(abs, mark);
    if (this.marks.size > MAX_MARKS) {
      const oldest = this.marks.keys().next().value;
      if (oldest !== undefined) this.marks.delete(oldest);
    }
  }
}
