import { isKilnError } from '../../../shared/contract/core';
import { datasourceSlug } from '../../../shared/vault/catalog';
import { childEnv } from '../process/child-env';
import { early } from './in-order';
import type { Launch } from './spawn-backend';
import type { SupervisorOptions } from './supervisor-options';

export type PrepareDeps = Pick<SupervisorOptions, 'artifacts' | 'python' | 'envFor' | 'hostEnv' | 'sandbox'>;

/**
 * Everything a backend needs before its process starts: the venv, `requirements.txt`
 * installed, the environment with the granted datasources' `DS_*` values, and a usable
 * sandbox. Runs while an old version keeps serving, so every failure here leaves it serving.
 */
export async function prepareLaunch(
  deps: PrepareDeps,
  slug: string,
  dir: string,
  granted: { engine: string; name: string }[],
  hooks: { progress: (phase: 'venv' | 'pip', line: string) => void; installed: () => void },
): Promise<Launch> {
  const { progress } = hooks;
  // requirements.txt is read while the venv is checked; a read error still comes after a venv error.
  const requirements = early(() => readRequirements(deps.artifacts, slug, (line) => progress('pip', line)));
  const python = (await deps.python.ensureVenv(slug, progress)).python;
  // The install reports the path it took (unchanged, already satisfied, uv, pip) into the log.
  await deps.python.install(slug, dir, await requirements, progress);
  hooks.installed();
  // The keychain is read only after a good install: a long install must not get stale secrets.
  const dsVars = await deps.envFor(granted.map((d) => datasourceSlug(d.engine, d.name)));
  const env = childEnv({ host: deps.hostEnv, python: true, datasources: { declared: granted, vars: dsVars } });
  await deps.sandbox?.assertUsable(); // "Isolate apps: require" without a sandbox: refused before the old one stops
  return { python, dir, env, requirements: await requirements };
}

/** requirements.txt through the store's door (confined, no links to bookkeeping); '' when absent. */
async function readRequirements(artifacts: PrepareDeps['artifacts'], slug: string, note: (line: string) => void): Promise<string> {
  try {
    return (await artifacts.files.read(slug, 'requirements.txt', { maxBytes: 1024 * 1024 })).data.toString('utf8');
  } catch (error) {
    // Absent is normal (nothing to install); a FIFO or device fails the launch with a typed error;
    // present but refused otherwise (a link out, too big) is said.
    if (isKilnError(error) && error.reason === 'not-regular-file') throw error;
    if (!(isKilnError(error) && error.code === 'NOT_FOUND')) note(`requirements.txt was not read: ${(error as Error).message} Nothing is installed.`);
    return '';
  }
}
