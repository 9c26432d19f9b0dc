import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isFullstackType } from '../../../shared/artifacts/rules';
import { KilnError } from '../../../shared/contract/core';
import type {
  AccessChoice,
  AccessState,
  DatasourceCheck,
  Preflight,
  PreflightProblem,
  PublishProgress,
  PublishResult,
  PublishStatus,
  PublishVersion,
} from '../../../shared/contract/publish';
import { DEFAULT_PUBLISH_URL } from '../../../shared/contract/settings';
import { previousChoice, resolveAccess, type AccessInput } from './access';
import { planBundle, type BundlePlan } from './bundle-plan';
import { PublishClient, type ClientOptions } from './client';
import { defaultBaseImage, fullstackExportFiles } from './export-files';
import {
  API_KEY_ACCOUNT,
  connectionSlug,
  envPrefix,
  passwordAccount,
  type ArtifactSource,
  type PublishArtifactRecord,
  type PythonPort,
  type ScrubberPort,
  type SecretsPort,
  type VaultPort,
} from './ports';
import {
  antonPassword,
  clearPublished,
  entryAccess,
  entryFromAccess,
  publishedLocation,
  readPublished,
  writePublished,
  type PublishedEntry,
  type PublishedLocation,
  type PublishedState,
} from './published-state';
import { checkDatasourceUses, declareDatasource, type DatasourceUsesDeps } from './datasource-uses';
import { dsVariables, requirementNames, uncoveredImports, packageFor } from './python-imports';
import { pythonMajorMinor } from './python-version';
import { settingOrEnv } from '../config/prefer-setting';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import type { KeyOrigins } from '../vault/key-origins';
import { chosenInterpreter } from '../python/interpreter';
import { scanForSecrets } from './secret-scan';
import { buildZip, removeZip, tooLarge, type ZipResult, type ZipSource } from './zip';

export interface PublishSettings {
  url: string;
  maxBundleMB: number;
  /** `python.interpreter` setting; empty means KILN_PYTHON, then /usr/bin/python3. */
  pythonInterpreter: string;
}

export interface PublishServiceDeps {
  artifacts: ArtifactSource;
  secrets: SecretsPort;
  scrubber: ScrubberPort;
  vault: VaultPort;
  python?: PythonPort | undefined;
  settings: () => PublishSettings;
  env?: NodeJS.ProcessEnv | undefined;
  onProgress?: (p: PublishProgress) => void;
  /** A publish state changed (published, unpublished, rolled back). */
  onChanged?: (slug: string) => void;
  /** Native save dialog (Electron); absent in the web host, where the path is typed. */
  chooseSavePath?: ((suggestedName: string) => Promise<string | null>) | undefined;
  /** Timeouts and retry pacing; tests shorten them. */
  client?: Pick<ClientOptions, 'idleTimeoutMs' | 'retries' | 'retryDelayMs'>;
  /**
   * Where the publish key may go (docs/security.md, point 6): the composition root always passes
   * it; tests of bundling, deploy and benchmarks that run their own loopback server leave it out.
   */
  keyOrigins?: Pick<KeyOrigins, 'check' | 'status' | 'confirm' | 'keySet'> | undefined;
}

interface CurrentMd5 {
  md5: string;
  bytes: number;
  /** md5 of anton's (smaller) selection of the same static page; null when it is the same selection. */
  antonMd5: string | null;
}

interface Context {
  record: PublishArtifactRecord;
  dir: string;
  fullstack: boolean;
  loc: PublishedLocation;
  plan: BundlePlan;
}

interface Checked extends Context {
  warnings: PreflightProblem[];
  blocking: PreflightProblem[];
  datasources: { engine: string; name: string; inVault: boolean }[];
  backendSource: string | null;
}

/**
 * Publishing, end to end: review (preflight), bundle, upload with anton's protocol, local
 * publish state, status for badges, unpublish, versions/rollback and export. Never imports
 * electron; everything it needs from elsewhere comes in through narrow ports.
 */
/** A publish key and the URL whose origin it was checked for. */
interface CheckedKey {
  apiKey: string;
  baseUrl: string;
}

export class PublishService {
  private readonly running = new Map<string, AbortController>();
  private readonly md5Cache = new Map<string, CurrentMd5 & { signature: string }>();

  constructor(private readonly deps: PublishServiceDeps) {}

  publishUrl(): string {
    return settingOrEnv(this.deps.settings().url, this.deps.env?.KILN_PUBLISH_URL, DEFAULT_PUBLISH_URL);
  }

  private maxBytes(): number {
    return this.deps.settings().maxBundleMB * 1024 * 1024;
  }

  private async apiKey(): Promise<string | null> {
    const stored = await this.deps.secrets.get(API_KEY_ACCOUNT);
    if (stored) return stored;
    return this.deps.env?.KILN_PUBLISH_API_KEY?.trim() || null;
  }

  private async context(slug: string): Promise<Context> {
    const dir = await this.deps.artifacts.dir(slug);
    const record = await this.deps.artifacts.read(slug);
    const fullstack = isFullstackType(record.type);
    const plan = await planBundle(this.deps.artifacts.files, record);
    return { record, dir, fullstack, loc: await publishedLocation(dir, record.primary, fullstack), plan };
  }

  /** A text file of the artifact through the store's door; null when it is missing or refused. */
  private async readText(slug: string, rel: string): Promise<string | null> {
    try {
      return (await this.deps.artifacts.files.read(slug, rel)).data.toString('utf8');
    } catch {
      return null;
    }
  }

  /** Every check that does not need the network: warnings and blocking problems. */
  private async check(slug: string, options: { requireVault: boolean } = { requireVault: true }): Promise<Checked> {
    const ctx = await this.context(slug);
    const warnings = [...ctx.plan.warnings];
    const blocking = [...ctx.plan.blocking];
    const datasources: Checked['datasources'] = [];
    let backendSource: string | null = null;
    if (ctx.fullstack) {
      for (const ds of ctx.record.datasources) {
        const inVault = Boolean(await this.deps.vault.exists(connectionSlug(ds)));
        datasources.push({ ...ds, inVault });
        if (!inVault && options.requireVault) {
          blocking.push({
            kind: 'missing-datasource',
            message: `The app uses the datasource ${connectionSlug(ds)}, which is not in your vault. Add it under Settings → Datasources (or remove it from the artifact) before publishing.`,
          });
        }
      }
      backendSource = await this.readText(ctx.record.slug, 'backend.py');
      if (backendSource !== null) {
        const prefixes = ctx.record.datasources.map(envPrefix);
        for (const use of dsVariables(backendSource)) {
          if (prefixes.some((p) => use.name === p || use.name.startsWith(`${p}__`))) continue;
          blocking.push({
            kind: 'undeclared-env',
            file: 'backend.py',
            line: use.line,
            message: `backend.py uses ${use.name}, but the artifact declares no datasource that provides it, so it would be empty once published. Connect the datasource to the artifact or remove the variable.`,
          });
        }
        const reqText = (await this.readText(ctx.record.slug, 'requirements.txt')) ?? '';
        const local = localModules(await this.deps.artifacts.files.list(ctx.record.slug));
        for (const use of uncoveredImports(backendSource, requirementNames(reqText), local)) {
          warnings.push({
            kind: 'uncovered-import',
            file: 'backend.py',
            line: use.line,
            message: `backend.py imports ${use.module}, but requirements.txt does not list ${packageFor(use.module)}; the published app may fail to start.`,
          });
        }
      }
    }
    // The leak scan is only as good as the secrets it knows: if the keychain could not be read
    // (locked at start, say), try again, and refuse rather than scan against an empty list.
    const unreadable = (await this.deps.secrets.ensureLoaded?.()) ?? null;
    if (unreadable) {
      blocking.push({
        kind: 'keychain-unavailable',
        message: `Kiln can't read your keychain, so it can't check this bundle for leaked secrets. ${unreadable.message}`,
      });
    }
    blocking.push(...(await scanForSecrets(ctx.plan.entries, this.deps.scrubber.entries())));
    return { ...ctx, warnings, blocking, datasources, backendSource };
  }

  /**
   * md5 of a fresh bundle, cached on the bundled files' names, sizes and mtimes. For a static
   * page whose anton selection is smaller, also the md5 anton's bundle would have, so a page
   * published by anton shows "published" when nothing changed.
   */
  private async currentMd5(slug: string, plan: BundlePlan): Promise<CurrentMd5 | null> {
    if (plan.blocking.some((p) => p.kind === 'missing-file' || p.kind === 'unsupported-type') || plan.entries.length === 0) return null;
    const stats = await Promise.all(plan.entries.map(async (e) => {
      const st = await fs.stat(e.abs).catch(() => null);
      return `${e.name}\0${st?.size ?? -1}\0${st?.mtimeMs ?? -1}`;
    }));
    const signature = `${stats.join('\n')}\n${(plan.antonEntries ?? []).map((e) => e.name).join('\0')}`;
    const cached = this.md5Cache.get(slug);
    if (cached && cached.signature === signature) return cached;
    const kiln = await this.zipMd5(plan.entries);
    if (!kiln) return null;
    const anton = plan.antonEntries ? await this.zipMd5(plan.antonEntries) : null;
    const value = { signature, md5: kiln.md5, bytes: kiln.bytes, antonMd5: anton?.md5 ?? null };
    this.md5Cache.set(slug, value);
    return value;
  }

  private async zipMd5(entries: ZipSource[]): Promise<{ md5: string; bytes: number } | null> {
    let zip: ZipResult;
    try {
      zip = await buildZip(entries, { maxBytes: this.maxBytes() });
    } catch (error) {
      if (error instanceof KilnError && error.code === 'VALIDATION') return null;
      throw error;
    }
    await removeZip(zip.file);
    return { md5: zip.md5, bytes: zip.bytes };
  }

  private async accessState(record: PublishArtifactRecord, state: PublishedState): Promise<AccessState> {
    const entry = state.entry;
    const stored = entryAccess(entry);
    const anton = antonPassword(entry);
    const plaintext = anton !== null;
    // anton keeps it in clear on disk: scrub it from everything (model, logs, bundles) like a keychain secret.
    if (anton) this.deps.scrubber.register(`PUBLISH_PASSWORD_${record.id}`, anton);
    const passwordSet = plaintext || Boolean(await this.deps.secrets.get(passwordAccount(record.id)).catch(() => null));
    return {
      mode: stored?.mode ?? 'public',
      passwordSet,
      emails: stored?.emails ?? [],
      orgAllowed: stored?.orgAllowed ?? false,
      antonPlaintext: plaintext,
      antonKeepMakesPublic: entry?.mode === 'password' && !plaintext,
    };
  }

  private async statusOf(ctx: Context, current: CurrentMd5 | null, known?: PublishedState): Promise<PublishStatus> {
    const state = known ?? (await readPublished(ctx.loc));
    const access = await this.accessState(ctx.record, state);
    const md5 = current?.md5 ?? null;
    const entry = state.entry;
    if (!entry) return { slug: ctx.record.slug, state: 'not-published', reportId: null, url: null, lastMd5: null, currentMd5: md5, access };
    // Same files as last published, by Kiln's bundle or by the one anton builds from them.
    const same = current !== null && entry.last_md5 !== '' && (entry.last_md5 === current.md5 || entry.last_md5 === current.antonMd5);
    return {
      slug: ctx.record.slug,
      state: same ? 'published' : 'changed',
      reportId: entry.report_id,
      url: entry.url || null,
      lastMd5: entry.last_md5 || null,
      currentMd5: md5,
      access,
    };
  }

  /** For badges: cheap when never published (no bundle is built), md5-exact otherwise. */
  async status(slug: string): Promise<PublishStatus> {
    const ctx = await this.context(slug);
    const state = await readPublished(ctx.loc);
    const current = state.entry ? await this.currentMd5(slug, ctx.plan) : null;
    return this.statusOf(ctx, current, state);
  }

  async preflight(slug: string): Promise<Preflight> {
    const c = await this.check(slug);
    const blocking = [...c.blocking];
    const current = await this.currentMd5(slug, c.plan);
    const totalBytes = c.plan.entries.reduce((n, e) => n + e.bytes, 0);
    if (current === null && c.plan.entries.length > 0 && !blocking.some((b) => b.kind === 'missing-file')) {
      blocking.push({ kind: 'too-large', message: tooLarge(this.maxBytes()).message });
    }
    let secretNames: string[] = [];
    if (c.fullstack) {
      const present = c.datasources.filter((d) => d.inVault).map(connectionSlug);
      secretNames = Object.keys(present.length > 0 ? await this.deps.vault.envFor(present) : {}).sort();
    }
    return {
      slug: c.record.slug,
      name: c.record.name,
      kind: c.plan.kind,
      files: c.plan.entries.map((e) => ({ path: e.name, bytes: e.bytes })),
      totalBytes,
      bundleBytes: current?.bytes ?? null,
      md5: current?.md5 ?? null,
      maxBundleBytes: this.maxBytes(),
      secretNames,
      datasources: c.datasources,
      warnings: c.warnings,
      blocking,
      status: await this.statusOf(c, current),
      publishUrl: this.publishUrl(),
      apiKeySet: (await this.apiKey().catch(() => null)) !== null,
    };
  }

  private emit(slug: string, phase: PublishProgress['phase'], fraction: number | null, message?: string): void {
    this.deps.onProgress?.(message === undefined ? { slug, phase, fraction } : { slug, phase, fraction, message });
  }

  /** A client for the URL the key was checked against (never a URL read again later). */
  private client(key: CheckedKey, signal?: AbortSignal): PublishClient {
    return new PublishClient({ baseUrl: key.baseUrl, apiKey: key.apiKey, signal, ...this.deps.client });
  }

  /**
   * The key with the publish URL in effect, only when the user confirmed that URL's origin.
   * The URL is read once: a setting changed while a bundle is built can't redirect the key.
   */
  private async requireKey(): Promise<CheckedKey> {
    const baseUrl = this.publishUrl();
    const apiKey = await this.apiKey();
    if (!apiKey) throw new KilnError('FORBIDDEN', 'No publish API key is set. Enter your key to publish.', undefined, 'publish-key-missing');
    await this.deps.keyOrigins?.check(API_KEY_ACCOUNT, baseUrl);
    return { apiKey, baseUrl };
  }

  keyOrigin(): Promise<KeyOriginStatus> {
    return this.origins().status(API_KEY_ACCOUNT);
  }

  confirmOrigin(origin: string): Promise<KeyOriginStatus> {
    return this.origins().confirm(API_KEY_ACCOUNT, origin);
  }

  private origins(): NonNullable<PublishServiceDeps['keyOrigins']> {
    if (!this.deps.keyOrigins) throw new KilnError('INTERNAL', 'Kiln was started without its record of confirmed key origins.');
    return this.deps.keyOrigins;
  }

  async publish(slug: string, choice?: AccessChoice): Promise<PublishResult> {
    if (this.running.has(slug)) throw new KilnError('CONFLICT', 'This artifact is already being published. Wait for it to finish or cancel it.');
    const controller = new AbortController();
    this.running.set(slug, controller);
    let zip: ZipResult | null = null;
    try {
      // The record's files[] must describe what ships: reads never save it, so reconcile now.
      await this.deps.artifacts.reconcile(slug);
      const c = await this.check(slug);
      if (c.blocking.length > 0) {
        throw new KilnError(
          'VALIDATION',
          `Publishing is blocked: ${c.blocking[0]!.message}${c.blocking.length > 1 ? ` (and ${c.blocking.length - 1} more problem${c.blocking.length > 2 ? 's' : ''})` : ''}`,
          c.blocking.map((b) => (b.file ? `${b.file}${b.line ? `:${b.line}` : ''}: ${b.message}` : b.message)).join('\n'),
        );
      }
      const key = await this.requireKey();
      const previous = (await readPublished(c.loc)).entry;
      // Whichever tool published last wins: anton's password on disk over the keychain's copy.
      const storedPassword = antonPassword(previous) ?? (await this.deps.secrets.get(passwordAccount(c.record.id)));
      const input: AccessInput = choice
        ? choice.mode === 'restricted'
          ? { mode: 'restricted', emails: choice.emails, orgAllowed: choice.orgAllowed ?? false }
          : choice
        : previousChoice(entryAccess(previous));
      const access = await resolveAccess(input, entryAccess(previous), storedPassword);

      this.emit(slug, 'zip', 0);
      zip = await buildZip(c.plan.entries, {
        maxBytes: this.maxBytes(),
        signal: controller.signal,
        onProgress: (f) => this.emit(slug, 'zip', f),
      });
      const fields: Record<string, unknown> = {};
      if (previous) fields.report_id = previous.report_id;
      fields.access = access.block;
      if (c.fullstack) {
        fields.artifact_type = c.record.type;
        fields.artifact_id = c.record.id;
        const present = c.datasources.map(connectionSlug);
        fields.secrets = present.length > 0 ? await this.deps.vault.envFor(present) : {};
        const version = await this.pythonVersion(slug);
        if (version) fields.python_version = version;
      }
      this.emit(slug, 'upload', 0);
      const client = this.client(key, controller.signal);
      let response;
      try {
        response = await client.upload(
          { zipFile: zip.file, zipBytes: zip.bytes, md5: zip.md5, fields },
          {
            onProgress: (f) => this.emit(slug, 'upload', f),
            onRetry: (n, reason) => this.emit(slug, 'retry', null, `Retrying (attempt ${n + 1}): ${reason}`),
          },
        );
      } catch (error) {
        if (error instanceof KilnError && error.code === 'NOT_FOUND' && previous) {
          throw new KilnError(
            'NOT_FOUND',
            'This report no longer exists on the publish service, so Kiln did not publish it as a new one. Unpublish to clear the old link, then publish again.',
            error.details,
          );
        }
        throw error;
      }
      const password = access.stored.mode === 'password' ? (access.newPassword ?? storedPassword) : null;
      if (password !== null && password !== (await this.deps.secrets.get(passwordAccount(c.record.id)).catch(() => null))) {
        await this.deps.secrets.set(passwordAccount(c.record.id), password);
      }
      const entry = entryFromAccess({ report_id: response.report_id, url: response.view_url, last_md5: zip.md5 }, access.stored, previous, password);
      await writePublished(c.loc, entry);
      this.emit(slug, 'done', 1);
      this.deps.onChanged?.(slug);
      return {
        slug,
        reportId: response.report_id,
        url: response.view_url,
        md5: zip.md5,
        version: response.version ?? null,
        unchanged: response.unchanged ?? false,
      };
    } catch (error) {
      const phase = error instanceof KilnError && error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      this.emit(slug, phase, null, error instanceof Error ? error.message : undefined);
      throw error;
    } finally {
      this.running.delete(slug);
      if (zip) await removeZip(zip.file);
    }
  }

  cancel(slug: string): boolean {
    const controller = this.running.get(slug);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Aborts every running publish (app shutdown). */
  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }

  private async pythonVersion(slug: string): Promise<string | null> {
    const candidates: string[] = [];
    const venv = await this.deps.python?.venvPython(slug);
    if (venv) candidates.push(venv);
    const chosen = chosenInterpreter(this.deps.settings().pythonInterpreter, this.deps.env ?? {});
    if (chosen) candidates.push(chosen.path);
    candidates.push('/usr/bin/python3', 'python3');
    for (const python of candidates) {
      const v = await pythonMajorMinor(python);
      if (v) return v;
    }
    return null;
  }

  private async published(slug: string): Promise<{ ctx: Context; entry: PublishedEntry; others: PublishedEntry[] }> {
    const ctx = await this.context(slug);
    const { entry, others } = await readPublished(ctx.loc);
    if (!entry) throw new KilnError('NOT_FOUND', 'This artifact is not published.');
    return { ctx, entry, others };
  }

  /** DELETE on the service, then local state cleared. A report already gone counts as unpublished. */
  async unpublish(slug: string): Promise<PublishStatus> {
    const { ctx, entry, others } = await this.published(slug);
    const client = this.client(await this.requireKey());
    // Every live report of this artifact goes (an earlier Kiln publish beside anton's one too).
    const ids = [entry.report_id, ...others.map((o) => o.report_id)];
    for (const id of ids) {
      try {
        await client.remove(id);
      } catch (error) {
        if (!(error instanceof KilnError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    await clearPublished(ctx.loc, ids);
    this.deps.onChanged?.(slug);
    const current = await this.currentMd5(slug, ctx.plan);
    return this.statusOf(ctx, current);
  }

  async versions(slug: string): Promise<PublishVersion[]> {
    const { ctx, entry } = await this.published(slug);
    if (ctx.fullstack) throw new KilnError('UNSUPPORTED', 'Version history and rollback are available for static reports only.');
    const remote = await this.client(await this.requireKey()).versions(entry.report_id);
    return remote
      .map((v) => ({ md5: v.md5, version: v.version ?? null, uploadedAt: v.uploaded_at ?? null, active: v.active ?? false }))
      .sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
  }

  /** Makes an earlier version live again; local last_md5 follows, so the badge stays honest. */
  async rollback(slug: string, md5: string): Promise<PublishVersion[]> {
    const { ctx, entry } = await this.published(slug);
    if (ctx.fullstack) throw new KilnError('UNSUPPORTED', 'Version history and rollback are available for static reports only.');
    const client = this.client(await this.requireKey());
    await client.activate(entry.report_id, md5);
    await writePublished(ctx.loc, { ...entry, last_md5: md5 });
    this.deps.onChanged?.(slug);
    return this.versions(slug);
  }

  /**
   * Writes the bundle to `target` (atomically), plus a Dockerfile and README for fullstack apps.
   * Secret values are checked for exactly as for a publish; vault presence is not required.
   */
  async exportBundle(slug: string, target?: string): Promise<{ path: string | null; bytes: number }> {
    let file = target?.trim();
    // A native save dialog has already asked about replacing a file; a typed path has not.
    const typed = Boolean(file);
    if (!file) {
      if (!this.deps.chooseSavePath) throw new KilnError('VALIDATION', 'Type the full path of the zip file to write.');
      const chosen = await this.deps.chooseSavePath(`${slug}.zip`);
      if (!chosen) return { path: null, bytes: 0 };
      file = chosen;
    }
    if (!path.isAbsolute(file)) throw new KilnError('VALIDATION', `Give an absolute path for the export (got "${file}").`);
    if (!/\.zip$/i.test(file)) file = `${file}.zip`;
    const folder = path.dirname(file);
    const st = await fs.stat(folder).catch(() => null);
    if (!st?.isDirectory()) throw new KilnError('NOT_FOUND', `The folder ${folder} does not exist. Choose an existing folder.`);
    if (typed && (await fs.stat(file).catch(() => null))) {
      throw new KilnError('CONFLICT', `${file} already exists. Choose another file name (Kiln does not overwrite it).`);
    }
    const c = await this.check(slug, { requireVault: false });
    const blocking = c.blocking.filter((b) => b.kind !== 'undeclared-env');
    if (blocking.length > 0) {
      throw new KilnError('VALIDATION', `Export is blocked: ${blocking[0]!.message}`, blocking.map((b) => `${b.file ?? ''}${b.line ? `:${b.line}` : ''} ${b.message}`).join('\n'));
    }
    const sources: ZipSource[] = [...c.plan.entries];
    if (c.fullstack) {
      const envNames = new Set((c.backendSource ? dsVariables(c.backendSource) : []).map((u) => u.name));
      sources.push(...fullstackExportFiles(c.record.name, c.record.slug, [...envNames].sort(), defaultBaseImage(await this.pythonVersion(slug))));
    }
    const tmp = path.join(folder, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    // A static export is the very bundle a publish sends; a fullstack one adds Kiln's deploy
    // files, so it is Kiln's own format (no anton md5 to match): names in byte order.
    const ordered = c.fullstack ? [...sources].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) : sources;
    const zip = await buildZip(ordered, { maxBytes: this.maxBytes(), outFile: tmp });
    try {
      await fs.rename(tmp, file);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw new KilnError('IO', `Could not write ${file}.`, (error as Error).message);
    }
    return { path: file, bytes: zip.bytes };
  }

  /**
   * What a deploy builds from, after the same review a publish gets (`deploy` reuses these
   * checks rather than repeating them): the record, the bundle's files and the review itself.
   */
  async deploySource(slug: string): Promise<{ record: PublishArtifactRecord; fullstack: boolean; entries: BundlePlan['entries']; review: Preflight }> {
    await this.deps.artifacts.reconcile(slug);
    const review = await this.preflight(slug);
    const ctx = await this.context(slug);
    return { record: ctx.record, fullstack: ctx.fullstack, entries: ctx.plan.entries, review };
  }

  /** The backend's `DS_*` reads against what the artifact declares (see datasource-uses.ts). */
  datasourceCheck(slug: string): Promise<DatasourceCheck> {
    return checkDatasourceUses(this.datasourceDeps(), slug);
  }

  declareDatasource(slug: string, ds: { engine: string; name: string }): Promise<DatasourceCheck> {
    return declareDatasource(this.datasourceDeps(), slug, ds);
  }

  private datasourceDeps(): DatasourceUsesDeps {
    const vault = this.deps.vault;
    return {
      artifacts: this.deps.artifacts,
      kilnDatasources: async () => (vault.list ? await vault.list() : []),
      antonDatasources: async () => (vault.importPreview ? (await vault.importPreview()).items.filter((i) => i.status === 'new') : []),
    };
  }

  /** From the review sheet: the user typed the key while this publish URL was in effect. */
  async setApiKey(key: string): Promise<void> {
    await this.deps.secrets.set(API_KEY_ACCOUNT, key.trim());
    await this.deps.keyOrigins?.keySet(API_KEY_ACCOUNT);
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
