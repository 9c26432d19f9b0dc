import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { alive, SYSTEM_PYTHON, testHostEnv, waitFor } from '../backends/testing';
import { AppSandbox } from './app-sandbox';
import { bwrapArgs, bwrapCommandLine, sandboxEnv } from './bwrap';
import { macProfile, sbString } from './macos-profile';
import { sandboxedInstall } from './port';
import { unixSocketFilter } from './seccomp';
import type { IsolationMode, SandboxAvailability } from './types';

const req = { command: '/ws/venv/bin/python', cwd: '/ws/art', env: { PATH: '/usr/bin', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus', XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/u' }, writable: ['/ws/art'], readOnly: ['/ws/venv'], readOnlyFiles: ['/ws/art/metadata.json'] };

describe('the bwrap command line', () => {
  const args = bwrapArgs(req, [{ path: '/usr', kind: 'dir' }, { path: '/lib', kind: 'link', target: 'usr/lib' }, { path: '/etc', kind: 'dir' }], { seccomp: true, dropCaps: true });
  const pairs = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [`${args[i + 1]}→${args[i + 2]}`] : []));

  it('binds exactly: system read-only, venv read-only, artifact read-write, bookkeeping read-only; nothing of HOME, /run/user or the workspace', () => {
    expect(pairs('--ro-bind')).toEqual(['/usr→/usr', '/etc→/etc', '/ws/venv→/ws/venv']);
    expect(pairs('--bind')).toEqual(['/ws/art→/ws/art']);
    expect(pairs('--ro-bind-try')).toEqual(['/run/systemd/resolve→/run/systemd/resolve', '/ws/art/metadata.json→/ws/art/metadata.json']);
    expect(pairs('--symlink')).toEqual(['usr/lib→/lib']);
    expect(args.join(' ')).not.toMatch(/\/home|\/run\/user|--share-net|--bind \/ws /);
  });

  it('private /proc in new pid, ipc and uts namespaces, dies with Kiln, drops capabilities, installs the socket filter', () => {
    expect(args).toEqual(expect.arrayContaining(['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--cap-drop', 'ALL', '--seccomp', '9']));
    expect(args.slice(args.indexOf('--proc'), args.indexOf('--proc') + 2)).toEqual(['--proc', '/proc']);
    // The private /tmp comes before the binds, so a folder under /tmp stays visible.
    expect(args.indexOf('--tmpfs')).toBeLessThan(args.indexOf('--bind'));
    expect(args.at(-1)).toBe('--');
    expect(args).not.toContain('--unshare-net');
  });

  it('the seccomp file reaches bwrap on fd 9 through sh, and no session variables pass', () => {
    const line = bwrapCommandLine('/usr/bin/bwrap', ['--'], '/py', '/state/f.bpf');
    expect(line).toEqual({ file: '/bin/sh', args: ['-c', 'exec 9<"$0" && exec "$@"', '/state/f.bpf', '/usr/bin/bwrap', '--', '/py'] });
    expect(bwrapCommandLine('/usr/bin/bwrap', ['--'], '/py', null)).toEqual({ file: '/usr/bin/bwrap', args: ['--', '/py'] });
    const env = sandboxEnv(req.env);
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/tmp', TMPDIR: '/tmp' });
  });

  it('the seccomp program is 11 instructions, ends in allow/EACCES, and exists only for CPUs we have numbers for', () => {
    const bpf = unixSocketFilter('x64')!;
    expect(bpf.length).toBe(11 * 8);
    expect(bpf.readUInt32LE(9 * 8 + 4)).toBe(0x7fff0000);
    expect(bpf.readUInt32LE(10 * 8 + 4)).toBe(0x0005000d);
    expect(unixSocketFilter('arm64')).not.toBeNull();
    expect(unixSocketFilter('ia32')).toBeNull();
  });
});

describe('the macOS sandbox-exec profile (text; it only runs on a Mac)', () => {
  const profile = macProfile({ ...req, readOnly: ['/Users/u/Kiln/.anton/scratchpad-venvs/a'], writable: ['/Users/u/Kiln/.anton/artifacts/a'], readOnlyFiles: ['/Users/u/Kiln/.anton/artifacts/a/metadata.json'] }, '/private/var/folders/x/T/kiln-app-1');
  it('denies by default and allows only the system, the venv (read), the artifact and a temp folder (read-write), and the network', () => {
    expect(profile.startsWith('(version 1)\n(deny default)\n')).toBe(true);
    expect(profile).toContain('(allow file-read* (subpath "/Users/u/Kiln/.anton/scratchpad-venvs/a"))');
    expect(profile).toContain('(allow file-read* file-write* (subpath "/Users/u/Kiln/.anton/artifacts/a") (subpath "/private/var/folders/x/T/kiln-app-1"))');
    expect(profile).toContain('(deny file-write* (literal "/Users/u/Kiln/.anton/artifacts/a/metadata.json"))');
    expect(profile).toContain('(allow network*)');
    expect(profile).toContain('(deny mach-lookup (global-name "com.apple.SecurityServer")');
    expect(profile).not.toMatch(/subpath "\/Users\/u"\)|Keychains|Application Support/);
  });
  it('quotes paths so a folder name cannot add rules', () => {
    expect(sbString('/a "b") (allow default')).toBe('"/a \\"b\\") (allow default"');
  });
});

describe('"Isolate apps": prefer, require, off', () => {
  const unavailable: SandboxAvailability = { available: false, tool: 'none', problem: 'bubblewrap (bwrap) is not installed.', install: 'Install bubblewrap (sudo apt install bubblewrap).' };
  const make = (mode: IsolationMode, a: SandboxAvailability & { path?: string }): AppSandbox => new AppSandbox({ mode: () => mode, stateDir: () => '/nonexistent', env: {}, probe: async () => a });
  const child = { kind: 'backend' as const, python: SYSTEM_PYTHON, artifactDir: '/tmp', venvDir: '/tmp/v', env: { PATH: '/usr/bin' } };

  it('prefer without a sandbox runs the program unchanged and says apps are not isolated, with how to install', async () => {
    const cmd = await make('prefer', unavailable).forPython(child);
    expect(cmd).toMatchObject({ file: SYSTEM_PYTHON, args: [], isolated: false });
    expect(cmd.note).toBe('Apps are not isolated: bubblewrap (bwrap) is not installed. Install bubblewrap (sudo apt install bubblewrap).');
    expect(await make('prefer', unavailable).status()).toMatchObject({ isolated: false, problem: unavailable.problem, install: unavailable.install });
  });

  it('require without a sandbox refuses with a sentence that says what to do', async () => {
    const err = await make('require', unavailable).forPython(child).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('UNSUPPORTED');
    expect((err as KilnError).message).toMatch(/set to require.*not installed.*apt install bubblewrap.*prefer in Settings/);
    await expect(make('require', unavailable).assertUsable()).rejects.toThrow(/set to require/);
    await expect(make('prefer', unavailable).assertUsable()).resolves.toBeUndefined();
  });

  it('off runs unchanged even where a sandbox exists, and says so', async () => {
    const cmd = await make('off', { available: true, tool: 'bwrap', path: '/usr/bin/bwrap' }).forPython(child);
    expect(cmd).toMatchObject({ file: SYSTEM_PYTHON, isolated: false });
    expect(cmd.note).toMatch(/"Isolate apps" is off/);
  });
});

describe.runIf(process.platform === 'linux')('real bwrap', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-sbx-'));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });
  const sandbox = (): AppSandbox => new AppSandbox({ mode: () => 'require', stateDir: () => path.join(root, 'state'), env: testHostEnv() });

  it('pip runs with its venv writable and the artifact folder read-only', async () => {
    const art = path.join(root, 'art');
    const venv = path.join(root, 'venv');
    await fs.mkdir(art);
    await fs.writeFile(path.join(art, 'requirements.txt'), 'fastapi\n');
    await execa(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const venvPython = path.join(venv, 'bin', 'python');
    const cmd = await sandboxedInstall(sandbox(), { command: venvPython, venvPython, cwd: art, env: { PATH: '/usr/bin:/bin' }, pipArgs: ['--find-links', root] });
    expect(cmd.isolated).toBe(true);
    const script = [
      'import os, sys',
      `open(${JSON.stringify(path.join(venv, 'installed.txt'))}, 'w').write('ok')`,
      'print(open("requirements.txt").read().strip())',
      'try:\n    open("planted.py", "w")\n    print("artifact writable")\nexcept OSError as e:\n    print("artifact", e.errno)',
    ].join('\n');
    const r = await execa(cmd.file, [...cmd.args, '-c', script], { cwd: art, env: cmd.env, extendEnv: false, reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['fastapi', 'artifact 30']);
    expect(await fs.readFile(path.join(venv, 'installed.txt'), 'utf8')).toBe('ok');
  });

  it('when its parent (the host) is killed, the sandboxed program dies with it (--die-with-parent)', async () => {
    const art = path.join(root, 'art');
    await fs.mkdir(art);
    const cmd = await sandbox().wrap({ command: SYSTEM_PYTHON, cwd: art, env: { PATH: '/usr/bin:/bin' }, writable: [art], readOnly: [] });
    // A stand-in host: starts the sandboxed program, prints its pid, then waits.
    const pidFile = path.join(root, 'pid');
    const host = execa(SYSTEM_PYTHON, ['-c', 'import subprocess, sys, time\np = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)\nopen(sys.argv[1], "w").write(str(p.pid))\ntime.sleep(60)', pidFile, cmd.file, ...cmd.args, '-c', 'import time; open("ready", "w").write("1"); time.sleep(60)'], { env: cmd.env, extendEnv: false, reject: false, stdio: 'ignore' });
    // Killed once the sandboxed program runs (a host dies long after its backends started).
    await waitFor(async () => (await fs.readFile(path.join(art, 'ready'), 'utf8').catch(() => '')) === '1', 'the sandboxed program to start');
    const pid = Number(await fs.readFile(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    host.kill('SIGKILL');
    await host;
    await waitFor(() => !alive(pid), 'the sandboxed program to die with its parent', 5000);
  });
});
