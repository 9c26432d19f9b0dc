import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import type { PythonInfo } from '../../../shared/contract/backends';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { diskError, diskErrorAt } from '../fs/disk-errors';
import { childEnv, type ChildEnv } from '../process/child-env';
import type { PythonSandbox } from '../sandbox/port';
import { findPython } from './discover';
import { chosenInterpreter, majorMinor, venvDirFor, venvPythonIn } from './interpreter';
import { installRequirements, type InstallOutcome, type ProgressSink } from './install-run';
import { checkRequirements, normaliseName, parseRequirement, type Inventory } from './requirement-check';
import { scanVenv } from './site-scan';
import { parseRequirements, requirementsHash } from './requirements';
import { processesUsing } from './venv-in-use';
import { exists, readAntonVersion, readKilnMarker, readPyvenvCfg, recordAntonInstalled, writeAntonVersion, writeKilnMarker, type KilnVenvMarker } from './venv-files';

export interface PythonSettings {
  interpreter: string;
  systemSitePackages: boolean;
  pipArgs: string[];
  installTimeoutSec: number;
}

export interface PythonServiceOptions {
  settings: () => PythonSettings;
  workspaceDir: () => string;
  /** Kiln's start-up environment: read for KILN_PYTHON, PATH, and pip's own PIP_* / proxy variables. */
  env: NodeJS.ProcessEnv;
  /** The OS sandbox pip runs in (and backends and the scratchpad get from here); absent = unsandboxed. */
  sandbox?: PythonSandbox;
}

export type { ProgressSink } from './install-run';

/** Environment for venv creation and pip: the child base plus pip's own settings and proxies. */
function toolEnv(host: NodeJS.ProcessEnv): ChildEnv {
  return childEnv({ host, python: true, inherit: ['pip'] });
}

/**
 * The Python side of fullstack artifacts: which interpreter, one venv per artifact at
 * anton's place (`<ws>/.anton/scratchpad-venvs/<slug>`), and the requirements install that
 * is skipped when nothing changed since the last successful one.
 */
export class PythonService {
  private cached: { key: string; info: PythonInfo } | null = null;
  /** One venv operation per artifact at a time: the agent's scratchpad and a launch may race. */
  private readonly queue = new KeyedQueue();

  constructor(private readonly options: PythonServiceOptions) {}

  get sandbox(): PythonSandbox | undefined {
    return this.options.sandbox;
  }

  async find(): Promise<PythonInfo> {
    const setting = this.options.settings().interpreter;
    const key = `${setting}\0${this.options.env.KILN_PYTHON ?? ''}\0${this.options.env.PATH ?? ''}`;
    if (this.cached?.key === key) return this.cached.info;
    const info = await findPython(setting, this.options.env);
    this.cached = { key, info };
    return info;
  }

  venvDir(slug: string): string {
    return venvDirFor(this.options.workspaceDir(), slug);
  }

  venvPython(slug: string): string {
    return venvPythonIn(this.venvDir(slug));
  }

  /**
   * Makes sure the artifact's venv exists and was made from the selected interpreter with
   * the current "system site packages" choice. A venv anton made for the same Python is
   * adopted as it is; one a running process (Kiln's or anton's) uses is never deleted.
   */
  ensureVenv(slug: string, onProgress: ProgressSink = () => undefined): Promise<{ python: string; created: boolean }> {
    return this.queue.run(slug, () => this.ensureVenvNow(slug, onProgress));
  }

  private async ensureVenvNow(slug: string, onProgress: ProgressSink): Promise<{ python: string; created: boolean }> {
    const settings = this.options.settings();
    const dir = this.venvDir(slug);
    const marker = await readKilnMarker(dir);
    const venvPython = this.venvPython(slug);
    // Fast path for warm launches: the marker names the interpreter and option we would pick.
    if (marker && marker.systemSitePackages === settings.systemSitePackages && (await exists(venvPython))) {
      const wanted = chosenInterpreter(settings.interpreter, this.options.env)?.path ?? null;
      if (wanted === null ? this.cached === null || this.cached.info.path === marker.base : wanted === marker.base) {
        return { python: venvPython, created: false };
      }
    }
    const base = await this.find();
    if (marker && marker.base === base.path && marker.systemSitePackages === settings.systemSitePackages && (await exists(venvPython))) {
      return { python: venvPython, created: false };
    }
    const fresh: KilnVenvMarker = { base: base.path, baseVersion: base.version, systemSitePackages: settings.systemSitePackages, requirementsHash: null };
    if (!marker && (await this.antonVenvFits(dir, majorMinor(base.version), settings.systemSitePackages))) {
      await writeKilnMarker(dir, fresh);
      onProgress('venv', `Python environment: reusing the one anton made for ${slug} (Python ${majorMinor(base.version)}).`);
      return { python: venvPython, created: false };
    }
    const users = (await exists(dir)) ? await processesUsing(dir) : [];
    if (users.length > 0) {
      if (await exists(venvPython)) {
        onProgress('venv', `Python environment: kept as it is — process ${users.join(', ')} runs from it (anton or another backend), so it is not rebuilt now.`);
        return { python: venvPython, created: false };
      }
      throw new KilnError('CONFLICT', `The Python environment of "${slug}" is damaged but process ${users.join(', ')} still runs from it. Stop that process (in anton or Kiln), then launch again.`);
    }
    const t0 = performance.now();
    onProgress('venv', `Python environment: creating one without pip for ${slug} (Python ${base.version})…`);
    try {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.mkdir(path.dirname(dir), { recursive: true });
    } catch (error) {
      // A read-only or full workspace is the disk's fault, not a missing python3-venv.
      throw (await diskErrorAt(error, `create the Python environment for "${slug}"`, this.options.workspaceDir())) ?? error;
    }
    // Without pip it takes ~0.1 s instead of ~5 s: requirements are installed by uv or by the
    // base interpreter's pip aimed at this venv, or found already installed.
    const args = ['-m', 'venv', '--without-pip', ...(settings.systemSitePackages ? ['--system-site-packages'] : []), dir];
    const r = await execa(base.path, args, { reject: false, extendEnv: false, env: toolEnv(this.options.env), all: true, timeout: 120_000 });
    if (r.exitCode !== 0) {
      const output = String(r.all ?? '').slice(-2000);
      const errno = /Read-only file system/i.test(output) ? 'EROFS' : /No space left on device/i.test(output) ? 'ENOSPC' : /Permission denied/i.test(output) ? 'EACCES' : null;
      const disk = errno ? diskError(Object.assign(new Error(output), { code: errno }), `create the Python environment for "${slug}"`) : null;
      if (disk) throw new KilnError(disk.code, disk.message, output, disk.reason);
      throw new KilnError('EXTERNAL', `Kiln could not create the Python environment for "${slug}". Check that Python's venv module is installed (on Debian/Ubuntu: apt install python3-venv).`, output);
    }
    await writeKilnMarker(dir, fresh);
    // anton recycles a venv whose `.python_version` matches its Python; without it, it deletes ours.
    await writeAntonVersion(dir, majorMinor(base.version));
    onProgress('venv', `Python environment: created in ${Math.round(performance.now() - t0)} ms.`);
    return { python: venvPython, created: true };
  }

  /** anton's venv is reused when its interpreter runs and was made for the same Python. */
  private async antonVenvFits(dir: string, wanted: string, systemSitePackages: boolean): Promise<boolean> {
    const version = await readAntonVersion(dir);
    if (version !== wanted) return false;
    const cfg = await readPyvenvCfg(dir);
    if (!cfg || (cfg.systemSitePackages ?? false) !== systemSitePackages) return false;
    const python = venvPythonIn(dir);
    if (!(await exists(python))) return false;
    const r = await execa(python, ['-c', 'print("ok")'], { reject: false, extendEnv: false, env: toolEnv(this.options.env), timeout: 5000, stdin: 'ignore' });
    return r.exitCode === 0 && String(r.stdout).trim() === 'ok';
  }

  /**
   * Brings an artifact's venv in line with its requirements (the text of `requirements.txt`,
   * read by the caller through the store). Fastest path first: the same requirements as the
   * last successful install → nothing; every line already satisfied by what the venv can
   * import → nothing; else only the missing lines go to uv or pip. Which path was taken is
   * reported through `onProgress` (and so lands in `backend.log`).
   */
  install(slug: string, artifactDir: string, requirements: string, onProgress: ProgressSink = () => undefined): Promise<{ skipped: boolean; via: InstallPath }> {
    return this.queue.run(slug, () => this.installNow(slug, artifactDir, requirements, onProgress));
  }

  /** Installed distributions: read from the site folders when possible, else asked of the venv. */
  private async inventory(dir: string, lines: string[], systemSitePackages: boolean, env: ChildEnv): Promise<Inventory | null> {
    const withRequires = new Set(lines.map(parseRequirement).filter((r) => r && r.extras.length > 0).map((r) => normaliseName(r!.name)));
    const cfg = await readPyvenvCfg(dir);
    const fast = await scanVenv({ venv: dir, base: (await this.find()).path, systemSitePackages: cfg?.systemSitePackages ?? systemSitePackages, env, home: cfg?.home ?? null, withRequires });
    // A venv another interpreter made (an adopted anton venv): its python is not run outside
    // the sandbox to ask; the installer (sandboxed, and quick when all is installed) decides.
    return fast;
  }

  private async installNow(slug: string, artifactDir: string, requirements: string, onProgress: ProgressSink): Promise<{ skipped: boolean; via: InstallPath }> {
    const settings = this.options.settings();
    const lines = parseRequirements(requirements);
    const hash = requirementsHash(lines, settings.pipArgs);
    const dir = this.venvDir(slug);
    const marker = await readKilnMarker(dir);
    if (!marker) throw new KilnError('INTERNAL', `The Python environment of "${slug}" is missing; launch the app again.`);
    const done = async (via: InstallPath, note: string): Promise<{ skipped: boolean; via: InstallPath }> => {
      if (marker.requirementsHash !== hash) await writeKilnMarker(dir, { ...marker, requirementsHash: hash });
      onProgress('pip', note);
      return { skipped: via === 'unchanged' || via === 'satisfied' || via === 'none', via };
    };
    if (lines.length === 0) return done('none', 'Requirements: requirements.txt lists no packages; nothing to install.');
    if (marker.requirementsHash === hash) return done('unchanged', 'Requirements: unchanged since the last install; pip skipped.');
    const env = toolEnv(this.options.env);
    const inventory = await this.inventory(dir, lines, settings.systemSitePackages, env);
    const verdicts = inventory ? checkRequirements(lines, inventory) : lines.map((line) => ({ line, satisfied: false as const, reason: 'the environment could not list its packages' }));
    const missing = verdicts.filter((v) => !v.satisfied);
    if (missing.length === 0) {
      const by = verdicts.map((v) => (v.satisfied ? v.by : '')).join(', ');
      return done('satisfied', `Requirements: all ${lines.length} already installed (${by}); pip skipped.`);
    }
    for (const v of missing) if (!v.satisfied) onProgress('pip', `Requirements: ${v.reason}.`);
    const outcome: InstallOutcome = await installRequirements({
      slug,
      base: (await this.find()).path,
      venvPython: this.venvPython(slug),
      reqFile: path.join(dir, '.kiln-requirements.txt'),
      lines: missing.map((v) => v.line),
      pipArgs: settings.pipArgs,
      timeoutSec: settings.installTimeoutSec,
      cwd: artifactDir,
      env,
      onProgress,
      venvPipVersion: inventory?.dists.pip?.version ?? null,
      sandbox: this.options.sandbox,
    });
    await recordAntonInstalled(dir, missing.map((v) => v.line)).catch(() => undefined);
    return done(outcome.kind, `Requirements: installed ${missing.length} of ${lines.length} with ${outcome.label} in ${Math.round(outcome.ms)} ms.`);
  }
}

/** How an install ended: nothing to do, or which installer ran. */
export type InstallPath = 'none' | 'unchanged' | 'satisfied' | 'uv' | 'base-pip' | 'venv-pip';
