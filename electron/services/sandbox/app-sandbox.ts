import { promises as fs, lstatSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { writeStateFile } from '../fs/state-file';
import { probeAvailability } from './availability';
import { bwrapArgs, bwrapCommandLine, sandboxEnv, SYSTEM_PATHS, type SystemEntry } from './bwrap';
import { macProfile } from './macos-profile';
import { interpreterRoots, pipArgFolders } from './python-roots';
import { unixSocketFilter } from './seccomp';
import type { IsolationMode, SandboxAvailability, SandboxedCommand, SandboxRequest } from './types';

export interface AppSandboxOptions {
  /** The "Isolate apps" setting, read at every spawn. */
  mode: () => IsolationMode;
  /** Where the seccomp filter file is kept (`<ws>/.kiln/state`). */
  stateDir: () => string;
  /** Kiln's environment (to find bwrap on PATH). */
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Tests replace the machine check. */
  probe?: () => Promise<SandboxAvailability & { path?: string }>;
}

/** What the UI shows: the setting, whether apps are isolated now, and how to fix it when not. */
export interface IsolationStatus extends SandboxAvailability {
  mode: IsolationMode;
  /** True when new backends, pip and the scratchpad run sandboxed. */
  isolated: boolean;
}

/** The three kinds of model-written code Kiln runs, and what each may touch. */
export interface PythonChild {
  kind: 'backend' | 'scratchpad' | 'pip';
  python: string;
  artifactDir: string;
  venvDir: string;
  env: Record<string, string>;
  /** pip only: the venv's interpreter when `python` is another program (uv, the base pip). */
  venvPython?: string;
  /** pip only: its arguments, so local wheel folders stay readable. */
  pipArgs?: readonly string[];
}

/** The bookkeeping files a program in the artifact folder must not rewrite (its declared datasources live there). */
const PROTECTED_FILES = ['metadata.json', '.published.json'];

function requireError(a: SandboxAvailability): KilnError {
  const why = `${a.problem ?? 'no sandbox is available.'} ${a.install ?? ''}`.trim();
  return new KilnError('UNSUPPORTED', `Apps must be isolated ("Isolate apps" is set to require), but ${why.charAt(0).toLowerCase()}${why.slice(1)} Or set "Isolate apps" to prefer in Settings → Python & Backends.`);
}

function systemEntries(): SystemEntry[] {
  const out: SystemEntry[] = [];
  for (const p of SYSTEM_PATHS) {
    try {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push({ path: p, kind: 'link', target: readlinkSync(p) });
      else if (st.isDirectory()) out.push({ path: p, kind: 'dir' });
    } catch {
      // Not on this machine (e.g. /libx32).
    }
  }
  return out;
}

/**
 * Turns a command into the sandboxed command for this OS and the "Isolate apps" setting:
 * bwrap on Linux, sandbox-exec on macOS, unchanged on Windows or when off. `prefer` runs
 * unsandboxed where no sandbox is available and says so; `require` refuses to run.
 */
export class AppSandbox {
  private availability: Promise<SandboxAvailability & { path?: string }> | null = null;
  private seccompFile: Promise<string | null> | null = null;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly o: AppSandboxOptions) {
    this.platform = o.platform ?? process.platform;
  }

  /** The machine check, once per run (`refresh` re-checks, e.g. after the user installed bwrap). */
  check(refresh = false): Promise<SandboxAvailability & { path?: string }> {
    if (refresh || !this.availability) this.availability = (this.o.probe ?? (() => probeAvailability(this.platform, this.o.env)))();
    return this.availability;
  }

  async status(refresh = false): Promise<IsolationStatus> {
    const { path: _tool, ...a } = await this.check(refresh);
    const mode = this.o.mode();
    return { ...a, mode, isolated: mode !== 'off' && a.available };
  }

  /** The sandboxed command for a backend, the scratchpad or pip (see `PythonChild`). */
  async forPython(child: PythonChild): Promise<SandboxedCommand> {
    const roots = await interpreterRoots(child.python, SYSTEM_PATHS);
    if (child.venvPython && child.venvPython !== child.python) roots.push(...(await interpreterRoots(child.venvPython, SYSTEM_PATHS)));
    const interp = [...new Set(roots)].filter((r) => r !== child.venvDir);
    const req: SandboxRequest =
      child.kind === 'pip'
        ? { command: child.python, cwd: child.artifactDir, env: child.env, writable: [child.venvDir], readOnly: [...interp, child.artifactDir, ...(await pipArgFolders(child.pipArgs ?? []))] }
        : {
            command: child.python,
            cwd: child.artifactDir,
            env: child.env,
            writable: [child.artifactDir],
            readOnly: [...interp, child.venvDir],
            readOnlyFiles: PROTECTED_FILES.map((f) => path.join(child.artifactDir, f)),
          };
    return this.wrap(req);
  }

  async assertUsable(): Promise<void> {
    if (this.o.mode() !== 'require') return;
    const a = await this.check();
    if (!a.available) throw requireError(a);
  }

  async wrap(req: SandboxRequest): Promise<SandboxedCommand> {
    const mode = this.o.mode();
    const plain = (note?: string): SandboxedCommand => ({ file: req.command, args: [], env: req.env, isolated: false, tool: 'none', ...(note ? { note } : {}) });
    if (mode === 'off') return plain('Apps are not isolated: "Isolate apps" is off in Settings → Python & Backends.');
    const a = await this.check();
    if (!a.available || !a.path) {
      const why = `${a.problem ?? 'No sandbox is available.'} ${a.install ?? ''}`.trim();
      if (mode === 'require') throw requireError(a);
      return plain(`Apps are not isolated: ${why}`);
    }
    if (a.tool === 'sandbox-exec') return this.wrapMac(a.path, req);
    const filter = await this.filterFile();
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const args = bwrapArgs(req, systemEntries(), { seccomp: filter !== null, dropCaps: isRoot });
    const line = bwrapCommandLine(a.path, args, req.command, filter);
    const note = 'Isolated with bubblewrap: only this folder is writable; your other files, the keychain and other processes are out of reach.';
    return { ...line, env: sandboxEnv(req.env), isolated: true, tool: 'bwrap', note };
  }

  private async wrapMac(sandboxExec: string, req: SandboxRequest): Promise<SandboxedCommand> {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-app-'));
    const env = { ...sandboxEnv(req.env), HOME: tmp, TMPDIR: tmp };
    return { file: sandboxExec, args: ['-p', macProfile(req, tmp), req.command], env, isolated: true, tool: 'sandbox-exec' };
  }

  /** The seccomp filter, written once per run into the state folder (not secret; bwrap reads it on fd 9). */
  private filterFile(): Promise<string | null> {
    this.seccompFile ??= (async () => {
      const bytes = unixSocketFilter();
      if (!bytes) return null;
      const file = path.join(this.o.stateDir(), 'sandbox-seccomp.bpf');
      await writeStateFile(file, bytes);
      return file;
    })().catch(() => {
      this.seccompFile = null;
      return null;
    });
    return this.seccompFile;
  }
}
