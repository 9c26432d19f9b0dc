import type { SandboxRequest } from './types';

/**
 * Linux: the bubblewrap command line for one child. A new mount namespace whose root holds
 * only the system folders (read-only), the interpreter and venv (read-only), the folders the
 * request makes writable and a private /tmp; a private /proc in a new PID namespace (no other
 * process, not even Kiln, is visible); no capabilities; `--die-with-parent`, so the child dies
 * with Kiln. The network namespace is kept (datasources and loopback as before); abstract Unix
 * sockets, which live there, are closed by the seccomp filter (`seccomp.ts`).
 */

/** A top-level system entry as it is on this machine: a folder to bind, or a merged-/usr link. */
export type SystemEntry = { path: string; kind: 'dir' } | { path: string; kind: 'link'; target: string };

/** Where programs and their libraries live; `/etc` for resolver, certificates, locale, time zone. */
export const SYSTEM_PATHS: readonly string[] = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
/** `/etc/resolv.conf` is a link into here on systemd-resolved machines. */
export const OPTIONAL_SYSTEM_PATHS: readonly string[] = ['/run/systemd/resolve'];

/** The file descriptor the seccomp filter arrives on (opened by the `sh` step, see `bwrapCommandLine`). */
export const SECCOMP_FD = 9;

/** Variables that point a program at the user's desktop session, agents or runtime folder. */
export const SESSION_ENV = ['DBUS_SESSION_BUS_ADDRESS', 'DBUS_SYSTEM_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'SSH_AUTH_SOCK', 'GNOME_KEYRING_CONTROL', 'GPG_AGENT_INFO'];

/** The environment inside: no session bus or agent sockets; HOME and temp on the private /tmp. */
export function sandboxEnv(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const name of SESSION_ENV) delete out[name];
  out.HOME = '/tmp';
  out.TMPDIR = '/tmp';
  delete out.TEMP;
  delete out.TMP;
  return out;
}

/** bwrap's own arguments (everything before the command). Pure, for tests. */
export function bwrapArgs(req: SandboxRequest, system: readonly SystemEntry[], opts: { seccomp: boolean; dropCaps: boolean }): string[] {
  const a: string[] = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (opts.dropCaps) a.push('--cap-drop', 'ALL');
  for (const e of system) {
    if (e.kind === 'link') a.push('--symlink', e.target, e.path);
    else a.push('--ro-bind', e.path, e.path);
  }
  for (const p of OPTIONAL_SYSTEM_PATHS) a.push('--ro-bind-try', p, p);
  // /tmp first: a folder under /tmp (tests, odd workspaces) is then bound on top of it.
  a.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const p of req.readOnly) a.push('--ro-bind', p, p);
  for (const p of req.writable) a.push('--bind', p, p);
  for (const p of req.readOnlyFiles ?? []) a.push('--ro-bind-try', p, p);
  a.push('--chdir', req.cwd);
  if (opts.seccomp) a.push('--seccomp', String(SECCOMP_FD));
  a.push('--');
  return a;
}

/**
 * The command to spawn. With a seccomp filter, `/bin/sh` opens the filter file on fd 9 and
 * `exec`s bwrap (same pid, so process groups and the pid registry see bwrap, then the command);
 * that keeps every spawner's call the same `file + args` shape without fd plumbing.
 */
export function bwrapCommandLine(bwrap: string, bwrapArguments: string[], command: string, seccompFile: string | null): { file: string; args: string[] } {
  if (!seccompFile) return { file: bwrap, args: [...bwrapArguments, command] };
  return { file: '/bin/sh', args: ['-c', `exec ${SECCOMP_FD}<"$0" && exec "$@"`, seccompFile, bwrap, ...bwrapArguments, command] };
}
