import type { ChildEnv } from '../process/child-env';
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import { KilnError } from '../../../shared/contract/core';
import { basePipInstaller, findOnPath, pipVersion, supportsPythonOption, uvArgsFromPipArgs, uvInstaller, venvPipInstaller, type Installer, type InstallerKind } from './installers';
import { pipKeyErrors } from './requirements';
import { sandboxedInstall, type PythonSandbox } from '../sandbox/port';

export type ProgressSink = (phase: 'venv' | 'pip', line: string) => void;

export interface InstallRequest {
  slug: string;
  /** The base interpreter the venv was made from. */
  base: string;
  venvPython: string;
  /** Where the lines to install are written (inside the venv, never the artifact folder). */
  reqFile: string;
  lines: string[];
  pipArgs: string[];
  timeoutSec: number;
  cwd: string;
  env: ChildEnv;
  onProgress: ProgressSink;
  /** pip/uv run in the OS sandbox: the venv writable, the artifact folder read-only (docs/security.md). */
  sandbox?: PythonSandbox | undefined;
  /** pip's version as the venv sees it (from its inventory), if it can import one. */
  venvPipVersion: string | null;
}

const supportsRequirementFiles = (version: string): boolean => Number(version.split('.')[0]) >= 9;

export interface InstallOutcome {
  kind: InstallerKind;
  label: string;
  ms: number;
}

/** pip's version per base interpreter: asked once per process (it costs ~0.3 s). */
const basePipCache = new Map<string, Promise<[number, number] | null>>();

async function pipInstaller(req: InstallRequest): Promise<Installer> {
  // pip the venv can import (system site packages) runs in one process; the base pip's
  // `--python` starts a second interpreter, so it comes second.
  if (req.venvPipVersion && supportsRequirementFiles(req.venvPipVersion)) return venvPipInstaller(req.venvPython);
  let v = basePipCache.get(req.base);
  if (!v) {
    v = pipVersion(req.base, req.env);
    basePipCache.set(req.base, v);
  }
  if (supportsPythonOption(await v)) return basePipInstaller(req.base, req.venvPython);
  // Old or missing base pip: the venv needs its own (system site packages may provide one).
  if (!(await pipVersion(req.venvPython, req.env))) {
    req.onProgress('pip', 'Adding pip to the environment (the base interpreter has no pip that can install into it)…');
    const r = await execa(req.venvPython, ['-m', 'ensurepip', '--default-pip'], { reject: false, extendEnv: false, env: req.env, all: true, timeout: 120_000 });
    if (r.exitCode !== 0) {
      throw new KilnError('EXTERNAL', `pip is not available for "${req.slug}". Install pip for your Python (Debian/Ubuntu: apt install python3-pip python3-venv), or put uv on PATH.`, String(r.all ?? '').slice(-2000));
    }
  }
  return venvPipInstaller(req.venvPython);
}

/** Runs one installer, streaming its output line by line; resolves with its result. */
async function run(installer: Installer, extra: string[], req: InstallRequest): Promise<{ exitCode: number | undefined; timedOut: boolean; output: string }> {
  req.onProgress('pip', `$ ${installer.kind === 'uv' ? 'uv pip install' : 'pip install'} ${[...extra, ...req.lines].join(' ')}`);
  const cmd = await sandboxedInstall(req.sandbox, { command: installer.command, venvPython: req.venvPython, cwd: req.cwd, env: req.env, pipArgs: req.pipArgs });
  const child = execa(cmd.file, [...cmd.args, ...installer.args, ...extra, '-r', req.reqFile], {
    cwd: req.cwd,
    reject: false,
    extendEnv: false,
    env: cmd.env,
    all: true,
    buffer: true,
    timeout: req.timeoutSec * 1000,
    stdin: 'ignore',
  });
  let output = '';
  let partial = '';
  child.all?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const l of parts) {
      output += `${l}\n`;
      req.onProgress('pip', l);
    }
  });
  const result = await child;
  if (partial) {
    output += partial;
    req.onProgress('pip', partial);
  }
  return { exitCode: result.exitCode, timedOut: Boolean(result.timedOut), output };
}

/**
 * Installs `req.lines` into the venv: uv when on PATH (falling back to pip if uv fails),
 * else pip. Throws a `KilnError` with pip's key lines when the install fails or times out.
 */
export async function installRequirements(req: InstallRequest): Promise<InstallOutcome> {
  await fs.writeFile(req.reqFile, `${req.lines.join('\n')}\n`);
  const t0 = performance.now();
  const uv = await findOnPath('uv', req.env);
  if (uv) {
    const installer = uvInstaller(uv, req.venvPython);
    req.onProgress('pip', `Requirements: installing with ${installer.label}.`);
    const r = await run(installer, uvArgsFromPipArgs(req.pipArgs), req);
    if (r.exitCode === 0 && !r.timedOut) return { kind: 'uv', label: installer.label, ms: performance.now() - t0 };
    req.onProgress('pip', `Requirements: uv failed (${r.timedOut ? 'timed out' : `exit ${String(r.exitCode)}`}); falling back to pip.`);
  }
  const installer = await pipInstaller(req);
  req.onProgress('pip', `Requirements: installing with ${installer.label}.`);
  const r = await run(installer, req.pipArgs, req);
  if (r.timedOut) {
    throw new KilnError('TIMEOUT', `Installing the requirements of "${req.slug}" took longer than ${req.timeoutSec} s and was stopped. Raise the install timeout in Settings, or add pip arguments such as --no-index for offline machines.`, pipKeyErrors(r.output).join('\n'));
  }
  if (r.exitCode !== 0) {
    const key = pipKeyErrors(r.output);
    throw new KilnError('EXTERNAL', `Installing the requirements of "${req.slug}" failed: ${key[0] ?? `pip exited with code ${String(r.exitCode)}`}. Fix requirements.txt or the pip arguments in Settings, then launch again.`, key.join('\n'));
  }
  return { kind: installer.kind, label: installer.label, ms: performance.now() - t0 };
}
