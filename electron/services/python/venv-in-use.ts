import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../process/child-env';

/**
 * Processes that run from a venv — Kiln's backends and anton's alike start the venv's own
 * `bin/python`, so it is their argv[0]. A venv one of them runs from is never deleted (anton
 * and Kiln each used to delete the other's venv under a running backend).
 * Linux reads /proc; macOS asks `ps`; elsewhere nothing is known (an empty answer).
 */
export async function processesUsing(venvDir: string, platform: NodeJS.Platform = process.platform): Promise<number[]> {
  const prefix = path.resolve(venvDir) + path.sep;
  if (platform === 'linux') return linux(prefix);
  if (platform === 'darwin') return darwin(prefix);
  return [];
}

async function linux(prefix: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir('/proc');
  } catch {
    return [];
  }
  const hits: number[] = [];
  await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
      .map(async (n) => {
        try {
          const argv0 = (await fs.readFile(`/proc/${n}/cmdline`, 'utf8')).split('\0', 1)[0] ?? '';
          if (argv0.startsWith(prefix)) hits.push(Number(n));
        } catch {
          // gone, or not ours to read
        }
      }),
  );
  return hits.sort((a, b) => a - b);
}

async function darwin(prefix: string): Promise<number[]> {
  const r = await execa('ps', ['-axo', 'pid=,command='], { reject: false, timeout: 5000, extendEnv: false, env: childEnv({ host: process.env }) });
  if (r.exitCode !== 0) return [];
  const hits: number[] = [];
  for (const line of String(r.stdout).split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && m[2]!.startsWith(prefix)) hits.push(Number(m[1]));
  }
  return hits;
}
