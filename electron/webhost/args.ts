import { KilnError } from '../../shared/contract/core';

export interface WebHostArgs {
  workspace?: string | undefined;
  userData?: string | undefined;
  port: number;
  open: boolean;
}

export const webHostUsage = `Usage: npm run start:web -- [--workspace DIR] [--user-data DIR] [--port N] [--no-open]

  --workspace DIR   workspace folder for this run (env KILN_WORKSPACE; default: the setting, else ~/Kiln)
  --user-data DIR   settings folder (env KILN_USER_DATA; default: the desktop app's)
  --port N          loopback port to listen on (default: a free port)
  --no-open         do not open the browser`;

/** Parses the web host's command line; env fills what flags leave out. */
export function parseWebHostArgs(argv: string[], env: NodeJS.ProcessEnv): WebHostArgs {
  const out: WebHostArgs = { workspace: env.KILN_WORKSPACE || undefined, userData: env.KILN_USER_DATA || undefined, port: 0, open: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new KilnError('VALIDATION', `${flag} needs a value.\n\n${webHostUsage}`);
      return v;
    };
    switch (flag) {
      case '--workspace':
        out.workspace = value();
        break;
      case '--user-data':
        out.userData = value();
        break;
      case '--port': {
        const raw = value();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new KilnError('VALIDATION', `--port must be a number from 0 to 65535, not "${raw}".`);
        out.port = n;
        break;
      }
      case '--no-open':
        out.open = false;
        break;
      case '--help':
      case '-h':
        throw new KilnError('VALIDATION', webHostUsage);
      default:
        throw new KilnError('VALIDATION', `Unknown option "${arg}".\n\n${webHostUsage}`);
    }
  }
  return out;
}
