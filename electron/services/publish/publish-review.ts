import { isFullstackType } from '../../../shared/artifacts/rules';
import type { PreflightProblem } from '../../../shared/contract/publish';
import { planBundle, type BundlePlan } from './bundle-plan';
import { connectionSlug, envPrefix, type ArtifactSource, type PublishArtifactRecord, type ScrubberPort, type SecretsPort, type VaultPort } from './ports';
import { publishedLocation, type PublishedLocation } from './published-state';
import { dsVariables, packageFor, requirementNames, uncoveredImports } from './python-imports';
import { scanForSecrets } from './secret-scan';

/** An artifact as a publish sees it: its record, folder, bundle plan and where its publish state lives. */
export interface PublishContext {
  record: PublishArtifactRecord;
  dir: string;
  fullstack: boolean;
  loc: PublishedLocation;
  plan: BundlePlan;
}

/** Every check that does not need the network, with what it found. */
export interface Review extends PublishContext {
  warnings: PreflightProblem[];
  blocking: PreflightProblem[];
  datasources: { engine: string; name: string; inVault: boolean }[];
  backendSource: string | null;
}

export interface ReviewDeps {
  artifacts: ArtifactSource;
  secrets: SecretsPort;
  scrubber: ScrubberPort;
  vault: VaultPort;
}

export async function publishContext(artifacts: ArtifactSource, slug: string): Promise<PublishContext> {
  const dir = await artifacts.dir(slug);
  const record = await artifacts.read(slug);
  const fullstack = isFullstackType(record.type);
  const plan = await planBundle(artifacts.files, record);
  return { record, dir, fullstack, loc: await publishedLocation(dir, record.primary, fullstack), plan };
}

/**
 * The review a publish, a preflight, an export and a deploy share. `requireVault: false` (export)
 * still lists the datasources but does not block on one missing from the vault.
 */
export async function reviewBundle(deps: ReviewDeps, slug: string, options: { requireVault: boolean } = { requireVault: true }): Promise<Review> {
  const ctx = await publishContext(deps.artifacts, slug);
  const warnings = [...ctx.plan.warnings];
  const blocking = [...ctx.plan.blocking];
  const datasources: Review['datasources'] = [];
  let backendSource: string | null = null;
  if (ctx.fullstack) {
    for (const ds of ctx.record.datasources) {
      const inVault = Boolean(await deps.vault.exists(connectionSlug(ds)));
      datasources.push({ ...ds, inVault });
      if (!inVault && options.requireVault) {
        blocking.push({
          kind: 'missing-datasource',
          message: `The app uses the datasource ${connectionSlug(ds)}, which is not in your vault. Add it under Settings → Datasources (or remove it from the artifact) before publishing.`,
        });
      }
    }
    backendSource = await readText(deps.artifacts, ctx.record.slug, 'backend.py');
    if (backendSource !== null) {
      const found = await backendProblems(deps.artifacts, ctx.record, backendSource);
      blocking.push(...found.blocking);
      warnings.push(...found.warnings);
    }
  }
  // The leak scan is only as good as the secrets it knows: if the keychain could not be read
  // (locked at start, say), try again, and refuse rather than scan against an empty list.
  const unreadable = (await deps.secrets.ensureLoaded?.()) ?? null;
  if (unreadable) {
    blocking.push({
      kind: 'keychain-unavailable',
      message: `Kiln can't read your keychain, so it can't check this bundle for leaked secrets. ${unreadable.message}`,
    });
  }
  blocking.push(...(await scanForSecrets(ctx.plan.entries, deps.scrubber.entries())));
  return { ...ctx, warnings, blocking, datasources, backendSource };
}

/** `DS_*` reads no declared datasource provides (blocking) and imports requirements.txt misses (warnings). */
async function backendProblems(
  artifacts: ArtifactSource,
  record: PublishArtifactRecord,
  backendSource: string,
): Promise<{ blocking: PreflightProblem[]; warnings: PreflightProblem[] }> {
  const blocking: PreflightProblem[] = [];
  const warnings: PreflightProblem[] = [];
  const prefixes = record.datasources.map(envPrefix);
  for (const use of dsVariables(backendSource)) {
    if (prefixes.some((p) => use.name === p || use.name.startsWith(`${p}__`))) continue;
    blocking.push({
      kind: 'undeclared-env',
      file: 'backend.py',
      line: use.line,
      message: `backend.py uses ${use.name}, but the artifact declares no datasource that provides it, so it would be empty once published. Connect the datasource to the artifact or remove the variable.`,
    });
  }
  const reqText = (await readText(artifacts, record.slug, 'requirements.txt')) ?? '';
  const local = localModules(await artifacts.files.list(record.slug));
  for (const use of uncoveredImports(backendSource, requirementNames(reqText), local)) {
    warnings.push({
      kind: 'uncovered-import',
      file: 'backend.py',
      line: use.line,
      message: `backend.py imports ${use.module}, but requirements.txt does not list ${packageFor(use.module)}; the published app may fail to start.`,
    });
  }
  return { blocking, warnings };
}

/** A text file of the artifact through the store's door; null when it is missing or refused. */
async function readText(artifacts: ArtifactSource, slug: string, rel: string): Promise<string | null> {
  try {
    return (await artifacts.files.read(slug, rel)).data.toString('utf8');
  } catch {
    return null;
  }
}

/** Python module names shipped (or not) beside backend.py: never a missing requirement. */
function localModules(files: readonly { path: string }[]): Set<string> {
  const out = new Set<string>();
  for (const { path: rel } of files) {
    const slash = rel.indexOf('/');
    if (slash > 0) out.add(rel.slice(0, slash));
    else if (rel.endsWith('.py')) out.add(rel.slice(0, -3));
  }
  return out;
}
