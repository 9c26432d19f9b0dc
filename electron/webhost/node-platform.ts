import { spawn } from 'node:child_process';
import type { PlatformPort } from '../core/platform';
import { childEnv } from '../services/process/child-env';

/** Opens a path or URL with the OS's own opener, detached, without a shell. */
function osOpen(target: string): Promise<void> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [target]]
      : process.platform === 'win32'
        ? ['explorer.exe', [target]]
        : ['xdg-open', [target]];
  return new Promise((resolve, reject) => {
    // The opener needs the desktop session (DISPLAY, D-Bus, XDG_*), never Kiln's secrets.
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env: childEnv({ inherit: ['desktop'] }) });
    child.once('error', (e) => reject(new Error(`Could not run ${cmd}: ${e.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** The web host's platform: plain Node, no trash, no native dialogs. */
export function nodePlatform(): PlatformPort {
  return {
    runtime: 'web',
    versions: { node: process.versions.node, v8: process.versions.v8 },
    openExternal: osOpen,
    revealInFolder: osOpen,
    trashItem: async () => false,
  };
}
