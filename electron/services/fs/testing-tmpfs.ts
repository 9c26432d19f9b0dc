import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test support, not used by the app: a real small file system for full-disk and read-only
 * tests. Mounting needs root (CI runs as root); elsewhere `mountTmpfs` returns null and says
 * why once, so the test can skip cleanly.
 */
export interface SmallDisk {
  dir: string;
  /** Fills the disk until fewer than `leaveBytes` are free; returns the filler file. */
  fill(leaveBytes?: number): Promise<string>;
  /** Removes the filler (space is back). */
  free(): Promise<void>;
  remountReadOnly(): void;
  remountWritable(): void;
  unmount(): Promise<void>;
}

let whyNot: string | null | undefined;

/** Why mounting is not possible here, or null when it is (checked once, by trying). */
export function tmpfsUnavailable(): string | null {
  if (whyNot !== undefined) return whyNot;
  if (process.platform !== 'linux') return (whyNot = 'tmpfs mounts need Linux');
  const probe = path.join(os.tmpdir(), `kiln-tmpfs-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    whyNot = null;
  } catch (error) {
    whyNot = `mounting a tmpfs is not allowed here (${(error as Error).message.split('\n')[0]}); run as root to include the full-disk and read-only tests`;
  } finally {
    try {
      execFileSync('rmdir', [probe]);
    } catch {
      // already gone
    }
  }
  if (whyNot) process.stderr.write(`[skip] ${whyNot}\n`);
  return whyNot;
}

export async function mountTmpfs(sizeKb = 2048): Promise<SmallDisk> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-smalldisk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir]);
  const filler = path.join(dir, '.filler');
  return {
    dir,
    async fill(leaveBytes = 0) {
      const handle = await fs.open(filler, 'a');
      try {
        const chunk = Buffer.alloc(4096, 120);
        for (;;) {
          const { bavail, bsize } = await fs.statfs(dir);
          if (bavail * bsize <= leaveBytes) break;
          const want = Math.min(chunk.length, bavail * bsize - leaveBytes);
          try {
            await handle.write(chunk, 0, want);
          } catch {
            break; // ENOSPC: full
          }
        }
      } finally {
        await handle.close();
      }
      return filler;
    },
    async free() {
      await fs.rm(filler, { force: true });
    },
    remountReadOnly() {
      execFileSync('mount', ['-o', 'remount,ro', dir]);
    },
    remountWritable() {
      execFileSync('mount', ['-o', 'remount,rw', dir]);
    },
    async unmount() {
      try {
        execFileSync('umount', [dir]);
      } catch {
        execFileSync('umount', ['-l', dir]);
      }
      await fs.rmdir(dir);
    },
  };
}
