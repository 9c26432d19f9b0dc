import { spawn } from 'node:child_process';
import type { PlatformPort } from '../core/platform';
import { childEnv } from '../services/process/child-env';
import { revealWith } from './reveal';

/** How long an opener may take to say it failed; after that it is taken to be showing the target. */
const OPENER_VERDICT_MS = 2000;

/**
 * Runs an opener detached, without a shell. `xdg-open` and `open` exit non-zero at once when
 * nothing can show the target (a headless machine): that is a failure the caller reports.
 * `explorer.exe` exits 1 even on success, so on Windows only a failure to start counts.
 */
export function runOpener(cmd: string, args: string[], opts: { trustExitCode: boolean; verbatim?: boolean; env?: Record<string, string> }): Promise<void> {
  return new Promise((resolve, reject) => {
    // The opener needs the desktop session (DISPLAY, D-Bus, XDG_*), never Kiln's secrets.
    const env = opts.env ?? childEnv({ inherit: ['desktop'] });
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env, windowsVerbatimArguments: opts.verbatim === true });
    child.once('error', (e) => reject(new Error(`Could not run ${cmd}: ${e.message}`)));
    child.once('spawn', () => {
      if (!opts.trustExitCode) {
        child.unref();
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        child.unref();
        resolve();
      }, OPENER_VERDICT_MS);
      timer.unref();
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`${cmd} could not open it (exit code ${code ?? 'signal'}).`));
      });
    });
  });
}

/** Opens a path or URL with the OS's own opener. */
function osOpen(target: string): Promise<void> {
  if (process.platform === 'win32') return runOpener('explorer.exe', [target], { trustExitCode: false });
  return runOpener(process.platform === 'darwin' ? 'open' : 'xdg-open', [target], { trustExitCode: true });
}

/** The web host's platform: plain Node, no trash, no native dialogs. */
export function nodePlatform(): PlatformPort {
  return {
    runtime: 'web',
    versions: { node: process.versions.node, v8: process.versions.v8 },
    openExternal: osOpen,
    // Reveal shows the target selected in its folder; it never runs the opener on the target.
    revealInFolder: (target) => revealWith(runOpener, target),
    trashItem: async () => false,
  };
}
