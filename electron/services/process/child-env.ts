import { envPrefix } from '../../../shared/vault/catalog';

/**
 * The one builder of the environment a child process of Kiln gets: backends, pip and venv
 * creation, the agent's Python scratchpad, interpreter probes, diagnostics, `ps`/`taskkill`.
 * Every spawner calls `childEnv` (and spawns with `extendEnv: false` / an explicit `env`), so
 * this file is the single place that decides what leaves Kiln — and the seam a sandbox wraps.
 *
 * Rule: nothing is inherited unless it is on the base allowlist or in a group the caller asks
 * for, and even then a name that looks like a credential is dropped. Datasource variables
 * (`DS_*`) never come from Kiln's environment; the caller hands them over from the vault and
 * only those of the datasources the artifact declares pass.
 */

/** What any program needs to run at all: where programs are, who and where the user is, locale, temp dirs. */
export const BASE_ENV_KEYS: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Windows: without these Python's socket/ssl and subprocess modules fail.
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
];

/**
 * Named groups of host variables a kind of child needs on top of the base:
 * - `pip`: pip's own settings (`PIP_*`: index URL, config file, certificates) and proxies.
 * - `desktop`: what a program that opens a window or the browser needs to find the user's
 *   session (`DISPLAY`, `WAYLAND_DISPLAY`, `XAUTHORITY`, `DBUS_SESSION_BUS_ADDRESS`, `XDG_*`, `BROWSER`).
 */
export type InheritGroup = 'pip' | 'desktop';

const GROUPS: Record<InheritGroup, (name: string) => boolean> = {
  pip: (name) => /^PIP_/i.test(name) || /^(https?|no|all)_proxy$/i.test(name),
  desktop: (name) => /^(DISPLAY|WAYLAND_DISPLAY|XAUTHORITY|DBUS_SESSION_BUS_ADDRESS|BROWSER)$/.test(name) || /^XDG_/.test(name),
};

/** Python children: output is not held back in buffers, and text is UTF-8 on every OS. */
export const PYTHON_ENV: Readonly<Record<string, string>> = { PYTHONUNBUFFERED: '1', PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8' };

/**
 * Names that look like a credential: Kiln's own (`KILN_*`), the model provider's (`OPENAI_*`),
 * datasource variables (`DS_*`, handed over explicitly instead), and anything named like a key,
 * token, secret or password. Such a name is never inherited, even in an allowed group.
 */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    /^(KILN_|OPENAI_|DS_)/.test(upper) ||
    /(^|_)(API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/.test(upper) ||
    upper.includes('TOKEN')
  );
}

export interface ChildEnvOptions {
  /** Kiln's own environment; default `process.env`. Tests pass their own. */
  host?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Host variable groups this child needs besides the base. */
  inherit?: readonly InheritGroup[];
  /** A Python child: adds `PYTHON_ENV`. */
  python?: boolean;
  /**
   * Datasource variables from the vault, and the datasources the artifact declares: only
   * `DS_<ENGINE>_<NAME>__*` of a declared one passes; everything else given here is dropped.
   */
  datasources?: { declared: readonly { engine: string; name: string }[]; vars: Readonly<Record<string, string>> };
  /** Fixed settings Kiln chooses for this child (e.g. `MPLBACKEND`); credential-like names are refused. */
  extra?: Readonly<Record<string, string>>;
}

const DEFAULT_POSIX_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The whole environment of one child process. Pure: reads only what it is given (and `process.env` by default). */
/**
 * An environment built by `childEnv` (a branded type): a helper that spawns with an env it
 * was handed takes this type, so the builder can't be bypassed by passing a raw object.
 */
declare const builtByChildEnv: unique symbol;
export type ChildEnv = Record<string, string> & { readonly [builtByChildEnv]: true };

export function childEnv(options: ChildEnvOptions = {}): ChildEnv {
  const host = options.host ?? process.env;
  const platform = options.platform ?? process.platform;
  const base = new Set(BASE_ENV_KEYS);
  const groups = (options.inherit ?? []).map((g) => GROUPS[g]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (value === undefined) continue;
    // Windows names are case-insensitive (`Path`); on POSIX a lowercase twin is just as harmless.
    const allowed = base.has(name.toUpperCase()) || groups.some((inGroup) => inGroup(name));
    if (allowed && !isSecretEnvName(name)) env[name] = value;
  }
  if (platform !== 'win32') {
    env.PATH ??= DEFAULT_POSIX_PATH;
    if (env.HOME === undefined && host.USERPROFILE !== undefined) env.HOME = host.USERPROFILE;
    env.LANG ??= 'C.UTF-8';
  }
  if (options.python) Object.assign(env, PYTHON_ENV);
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    if (isSecretEnvName(name)) throw new Error(`childEnv: "${name}" looks like a credential; pass datasource secrets through \`datasources\`.`);
    env[name] = value;
  }
  if (options.datasources) {
    const prefixes = options.datasources.declared.map((d) => `${envPrefix(d.engine, d.name)}__`);
    // A field part as the vault makes it (letters, digits, `_`, up to 64). Names alone can't tell
    // `postgres-a`'s field `x__password` from `postgres-a__x`'s `password` (anton's naming makes
    // them equal), so `vars` must already hold only declared datasources (`vault.envFor`); this
    // filter is the second line, for everything else.
    const isField = (rest: string): boolean => /^[A-Z0-9_]{1,64}$/.test(rest);
    for (const [name, value] of Object.entries(options.datasources.vars)) {
      if (prefixes.some((p) => name.startsWith(p) && isField(name.slice(p.length)))) env[name] = value;
    }
  }
  return env as ChildEnv;
}

/**
 * A built environment plus variables the user configured for this one child on purpose (an
 * MCP server's own settings). Kiln's own variables still never reach it.
 */
export function withOwnVariables(base: ChildEnv, own: Record<string, string>): ChildEnv {
  return { ...base, ...own } as ChildEnv;
}
