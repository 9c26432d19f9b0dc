import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import type { PythonInfo } from '../../../shared/contract/backends';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { childEnv } from '../process/child-env';
import { findPython } from './discover';
import { chosenInterpreter, venvDirFor, venvPythonIn } from './interpreter';
import { parseRequirements, pipKeyErrors, requirementsHash } from './requirements';

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
}

/** Written into each venv so a later launch knows how it was made and what is installed. */
interface VenvMarker {
  base: string;
  baseVersion: string;
  systemSitePackages: boolean;
  /** Hash of the requirements (and pip args) of the last successful install. */
  requirementsHash: string | null;
}

const MARKER = '.kiln-venv.json';

export type ProgressSink = (phase: 'venv' | 'pip', line: string) => void;

/** Environment for venv creation and pip: the child base plus pip's own settings and proxies. */
function toolEnv(host: NodeJS.ProcessEnv): Record<string, string> {
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

  private async readMarker(slug: string): Promise<VenvMarker | null> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.venvDir(slug), MARKER), 'utf8')) as VenvMarker;
    } catch {
      return null;
    }
  }

  private async writeMarker(slug: string, marker: VenvMarker): Promise<void> {
    await writeFileAtomic(path.join(this.venvDir(slug), MARKER), toPrettyJson(marker));
  }

  /**
   * Makes sure the artifact's venv exists and was made from the selected interpreter with
   * the current "system site packages" choice; recreates it otherwise.
   */
  ensureVenv(slug: string, onProgress: ProgressSink = () => undefined): Promise<{ python: string; created: boolean }> {
    return this.queue.run(slug, () => this.ensureVenvNow(slug, onProgress));
  }

  private async ensureVenvNow(slug: string, onProgress: ProgressSink): Promise<{ python: string; created: boolean }> {
    const settings = this.options.settings();
    const marker = await this.readMarker(slug);
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
    const dir = this.venvDir(slug);
    onProgress('venv', `Creating a Python ${base.version} environment for ${slug}…`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true });
    // Without pip it takes ~0.1 s instead of ~5 s; pip is added only when an install needs it.
    const args = ['-m', 'venv', '--without-pip', ...(settings.systemSitePackages ? ['--system-site-packages'] : []), dir];
    const r = await execa(base.path, args, { reject: false, extendEnv: false, env: toolEnv(this.options.env), all: true, timeout: 120_000 });
    if (r.exitCode !== 0) {
      throw new KilnError('EXTERNAL', `Kiln could not create the Python environment for "${slug}". Check that Python's venv module is installed (on Debian/Ubuntu: apt install python3-venv).`, String(r.all ?? '').slice(-2000));
    }
    await this.writeMarker(slug, { base: base.path, baseVersion: base.version, systemSitePackages: settings.systemSitePackages, requirementsHash: null });
    return { python: venvPython, created: true };
  }

  /**
   * Installs an artifact's requirements (the text of its `requirements.txt`, read by the caller
   * through the store) into its venv, unless the same requirements were installed successfully
   * before. pip runs in the artifact folder. Output goes to `onProgress` line by line.
   */
  install(slug: string, artifactDir: string, requirements: string, onProgress: ProgressSink = () => undefined): Promise<{ skipped: boolean }> {
    return this.queue.run(slug, () => this.installNow(slug, artifactDir, requirements, onProgress));
  }

  private async installNow(slug: string, artifactDir: string, requirements: string, onProgress: ProgressSink): Promise<{ skipped: boolean }> {
    const settings = this.options.settings();
    const lines = parseRequirements(requirements);
    const hash = requirementsHash(lines, settings.pipArgs);
    const marker = await this.readMarker(slug);
    if (!marker) throw new KilnError('INTERNAL', `The Python environment of "${slug}" is missing; launch the app again.`);
    if (marker.requirementsHash === hash || lines.length === 0) {
      if (marker.requirementsHash !== hash) await this.writeMarker(slug, { ...marker, requirementsHash: hash });
      return { skipped: true };
    }
    const python = this.venvPython(slug);
    const env = toolEnv(this.options.env);
    const hasPip = (await execa(python, ['-m', 'pip', '--version'], { reject: false, extendEnv: false, env })).exitCode === 0;
    if (!hasPip) {
      onProgress('pip', 'Adding pip to the environment…');
      const r = await execa(python, ['-m', 'ensurepip', '--default-pip'], { reject: false, extendEnv: false, env, all: true, timeout: 120_000 });
      if (r.exitCode !== 0) {
        throw new KilnError('EXTERNAL', `pip is not available for "${slug}". Install Python's ensurepip/venv support (Debian/Ubuntu: apt install python3-venv).`, String(r.all ?? '').slice(-2000));
      }
    }
    const reqFile = path.join(this.venvDir(slug), '.kiln-requirements.txt');
    await fs.writeFile(reqFile, `${lines.join('\n')}\n`);
    const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...settings.pipArgs, '-r', reqFile];
    onProgress('pip', `$ pip install ${[...settings.pipArgs, ...lines].join(' ')}`);
    const child = execa(python, args, {
      cwd: artifactDir,
      reject: false,
      extendEnv: false,
      env,
      all: true,
      buffer: true,
      timeout: settings.installTimeoutSec * 1000,
      stdin: 'ignore',
    });
    let output = '';
    let partial = '';
    child.all?.on('data', (chunk: Buffer) => {
      const text2 = partial + chunk.toString('utf8');
      const parts = text2.split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const l of parts) {
        output += `${l}\n`;
        onProgress('pip', l);
      }
    });
    const result = await child;
    if (partial) {
      output += partial;
      onProgress('pip', partial);
    }
    if (result.timedOut) {
      throw new KilnError('TIMEOUT', `Installing the requirements of "${slug}" took longer than ${settings.installTimeoutSec} s and was stopped. Raise the install timeout in Settings, or add pip arguments such as --no-index for offline machines.`, pipKeyErrors(output).join('\n'));
    }
    if (result.exitCode !== 0) {
      const key = pipKeyErrors(output);
      throw new KilnError('EXTERNAL', `Installing the requirements of "${slug}" failed: ${key[0] ?? `pip exited with code ${String(result.exitCode)}`}. Fix requirements.txt or the pip arguments in Settings, then launch again.`, key.join('\n'));
    }
    await this.writeMarker(slug, { ...marker, requirementsHash: hash });
    return { skipped: false };
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
