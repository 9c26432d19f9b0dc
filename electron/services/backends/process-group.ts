import { execa } from 'execa';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { childEnv } from '../process/child-env';

/**
 * True while any process of the group (or the single pid on Windows) is alive. On Linux a
 * member that already exited but waits to be reaped (a zombie, common when the backend's
 * orphaned children are re-parented to a container's init) does not count.
 */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux' ? liveMembersOnLinux(pid) : true;
}

function liveMembersOnLinux(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') return true;
    } catch {
      // The process went away while we looked.
    }
  }
  return false;
}

/** Signals the whole process group led by `pid` (the backend and everything it spawned). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    // Windows has no process groups: taskkill /T takes the tree down.
    void execa('taskkill', ['/pid', String(pid), '/T', '/F'], { reject: false, extendEnv: false, env: childEnv() });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopGroup(pid: number, graceMs = 3000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await sleep(25);
  }
  signalGroup(pid, 'SIGKILL');
  const hard = Date.now() + 2000;
  while (Date.now() < hard && groupAlive(pid)) await sleep(25);
}

/** The command line of a running process, or null when it is gone or unreadable. */
export async function commandLineOf(pid: number): Promise<string[] | null> {
  if (process.platform === 'linux') {
    try {
      const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
      const parts = raw.split('\0');
      if (parts[parts.length - 1] === '') parts.pop();
      return parts.length > 0 ? parts : null;
    } catch {
      return null;
    }
  }
  if (process.platform === 'win32') return null;
  const r = await execa('ps', ['-o', 'command=', '-p', String(pid)], { reject: false, extendEnv: false, env: childEnv() });
  const line = String(r.stdout).trim();
  return r.exitCode === 0 && line ? line.split(/\s+/) : null;
}

/** The working directory of a running process (Linux only; null elsewhere or when gone). */
export async function cwdOf(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  return fs.readlink(`/proc/${pid}/cwd`).catch(() => null);
}

/** True when a process with this pid exists and is not a zombie (signal 0 checks without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Another, still running Kiln owns this run: leave it alone. */
export function ownedByLiveKiln(ownerPid: number | null | undefined): boolean {
  return ownerPid !== null && ownerPid !== undefined && ownerPid !== process.pid && processAlive(ownerPid);
}
