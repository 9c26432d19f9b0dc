import os from 'node:os';
import path from 'node:path';

/** The folder Electron would use as `userData` for an app named Kiln, per OS. */
export function defaultUserDataDir(appName = 'Kiln'): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', appName);
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appName);
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appName);
  }
}

export function defaultWorkspaceDir(): string {
  return path.join(os.homedir(), 'Kiln');
}

// Services need it too (the workspace check), and they may not import core/: it lives there.
export { resolveUserPath } from '../services/fs/user-path';
