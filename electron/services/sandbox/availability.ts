import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../process/child-env';
import type { SandboxAvailability } from './types';

const BWRAP_INSTALL = 'Install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap), then restart Kiln.';

async function executable(file: string): Promise<boolean> {
  return fs.access(file, 1 /* X_OK */).then(() => true, () => false);
}

/** `bwrap` on PATH or in the usual places. */
export async function findBwrap(env: NodeJS.ProcessEnv): Promise<string | null> {
  const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs) {
    const file = path.join(dir, 'bwrap');
    if (path.isAbsolute(file) && (await executable(file))) return file;
  }
  return null;
}

/**
 * Can this machine isolate apps? Linux: bwrap exists *and* can make the namespaces (it can't
 * where unprivileged user namespaces are off, or inside some containers) — checked by running
 * `true` in the same kind of sandbox. macOS: `/usr/bin/sandbox-exec`. Windows: not yet.
 */
export async function probeAvailability(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<SandboxAvailability & { path?: string }> {
  if (platform === 'linux') {
    const bwrap = await findBwrap(env);
    if (!bwrap) return { available: false, tool: 'none', problem: 'bubblewrap (bwrap) is not installed.', install: BWRAP_INSTALL };
    const r = await execa(bwrap, ['--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--unshare-pid', '--die-with-parent', '--', 'true'], {
      reject: false,
      extendEnv: false,
      env: childEnv({ host: env }),
      timeout: 10_000,
      stdin: 'ignore',
    }).catch(() => null);
    if (!r || r.exitCode !== 0) {
      const why = String(r?.stderr ?? '').trim().split('\n')[0] ?? '';
      return {
        available: false,
        tool: 'none',
        problem: `bubblewrap is installed but cannot create a sandbox here${why ? ` (${why})` : ''}.`,
        install: 'Allow unprivileged user namespaces (e.g. sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap), then restart Kiln.',
      };
    }
    return { available: true, tool: 'bwrap', path: bwrap };
  }
  if (platform === 'darwin') {
    if (await executable('/usr/bin/sandbox-exec')) return { available: true, tool: 'sandbox-exec', path: '/usr/bin/sandbox-exec' };
    return { available: false, tool: 'none', problem: 'sandbox-exec is missing from this Mac.', install: 'It ships with macOS; reinstalling the command line tools restores it.' };
  }
  return {
    available: false,
    tool: 'none',
    problem: 'Kiln has no app sandbox on Windows yet.',
    install: 'Run only apps you would run yourself, or use Kiln on Linux or macOS for isolation.',
  };
}
