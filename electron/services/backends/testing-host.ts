import { spawn } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Test support, not used by the app: a stand-in Kiln host in its own process (so a test can
 * SIGKILL it), bundled once, and a /proc view of the backends left running in a workspace.
 */
export async function bundleCrashHost(entry = 'e2e/fixtures/backends/crash-host.ts'): Promise<{ host: string; dispose: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(path.resolve('node_modules/.cache'), 'kiln-crash-host-'));
  const host = path.join(dir, 'crash-host.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: host,
    packages: 'external',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  return { host, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Runs the host on `ws` launching `slugs` at once; SIGKILLs it `killAfterMs` after it starts
 * launching, or (null) once all are running. `killedEarly`: it died before all were running.
 */
export function runCrashHost(host: string, ws: string, slugs: string[], killAfterMs: number | null): Promise<{ runningMs: number | null; killedEarly: boolean }> {
  const child = spawn(process.execPath, [host, ws, ...slugs], { stdio: ['ignore', 'pipe', 'ignore'], cwd: process.cwd() });
  let out = '';
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== null && !timer && out.includes('launching\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      if (killAfterMs === null && out.includes('running ')) child.kill('SIGKILL');
    });
    child.once('exit', () => {
      if (timer) clearTimeout(timer);
      const m = /running (\d+)/.exec(out);
      resolve({ runningMs: m ? Number(m[1]) : null, killedEarly: !m });
    });
  });
}

/** Every live process running `backend.py` inside the workspace (found by /proc, not by Kiln's records). */
export function backendsIn(ws: string): number[] {
  const root = realpathSync(ws);
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!cmd.includes('backend.py')) continue;
      if (readlinkSync(`/proc/${name}/cwd`).startsWith(root + path.sep)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** Test cleanup: SIGKILL every backend still running in the workspace (and its group). */
export function killBackendsIn(ws: string): void {
  for (const pid of backendsIn(ws)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
