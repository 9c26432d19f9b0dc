import { KilnError } from '../../../shared/contract/core';
import type {
  AccessChoice,
  DatasourceCheck,
  Preflight,
  PublishProgress,
  PublishResult,
  PublishStatus,
  PublishVersion,
} from '../../../shared/contract/publish';
import { DEFAULT_PUBLISH_URL } from '../../../shared/contract/settings';
import { previousChoice, resolveAccess, type AccessInput } from './access';
import type { BundlePlan } from './bundle-plan';
import { exportBundle } from './bundle-export';
import { BundleMd5s } from './bundle-md5';
import { PublishClient, type ClientOptions, type UploadRequest, type UploadResponse } from './client';
import {
  API_KEY_ACCOUNT,
  connectionSlug,
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
  readPublished,
  writePublished,
  type PublishedEntry,
} from './published-state';
import { checkDatasourceUses, declareDatasource, type DatasourceUsesDeps } from './datasource-uses';
import { publishContext, reviewBundle, type PublishContext, type Review } from './publish-review';
import { publishStatus } from './publish-status';
import { pythonMajorMinor } from './python-version';
import { settingOrEnv } from '../config/prefer-setting';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import type { KeyOrigins } from '../vault/key-origins';
import { chosenInterpreter } from '../python/interpreter';
import { buildZip, removeZip, tooLarge, type ZipResult } from './zip';

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

/** A publish key and the URL whose origin it was checked for. */
interface CheckedKey {
  apiKey: string;
  baseUrl: string;
}

/**
 * Publishing, end to end: review (preflight), bundle, upload with anton's protocol, local
 * publish state, status for badges, unpublish, versions/rollback and export. Never imports
 * electron; everything it needs from elsewhere comes in through narrow ports.
 */
export class PublishService {
  private readonly running = new Map<string, AbortController>();
  private readonly md5s = new BundleMd5s(() => this.maxBytes());

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

  private context(slug: string): Promise<PublishContext> {
    return publishContext(this.deps.artifacts, slug);
  }

  private check(slug: string, options?: { requireVault: boolean }): Promise<Review> {
    return reviewBundle(this.deps, slug, options);
  }

  /** For badges: cheap when never published (no bundle is built), md5-exact otherwise. */
  async status(slug: string): Promise<PublishStatus> {
    const ctx = await this.context(slug);
    const state = await readPublished(ctx.loc);
    const current = state.entry ? await this.md5s.current(slug, ctx.plan) : null;
    return publishStatus(this.deps, ctx, current, state);
  }

  async preflight(slug: string): Promise<Preflight> {
    return this.preflightOf(slug, await this.check(slug));
  }

  private async preflightOf(slug: string, c: Review): Promise<Preflight> {
    const blocking = [...c.blocking];
    const current = await this.md5s.current(slug, c.plan);
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
      status: await publishStatus(this.deps, c, current),
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
      if (c.blocking.length > 0) throw blockedBy(c);
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
      const fields: Record<string, unknown> = { ...(previous ? { report_id: previous.report_id } : {}), access: access.block, ...(await this.fullstackFields(c)) };
      const response = await this.upload(slug, this.client(key, controller.signal), { zipFile: zip.file, zipBytes: zip.bytes, md5: zip.md5, fields }, previous);
      const password = access.stored.mode === 'password' ? (access.newPassword ?? storedPassword) : null;
      if (password !== null && password !== (await this.deps.secrets.get(passwordAccount(c.record.id)).catch(() => null))) {
        await this.deps.secrets.set(passwordAccount(c.record.id), password);
      }
      const entry = entryFromAccess({ report_id: response.report_id, url: response.view_url, last_md5: zip.md5 }, access.stored, previous, password);
      await writePublished(c.loc, entry);
      this.emit(slug, 'done', 1);
      this.deps.onChanged?.(slug);
      return { slug, reportId: response.report_id, url: response.view_url, md5: zip.md5, version: response.version ?? null, unchanged: response.unchanged ?? false };
    } catch (error) {
      const phase = error instanceof KilnError && error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      this.emit(slug, phase, null, error instanceof Error ? error.message : undefined);
      throw error;
    } finally {
      this.running.delete(slug);
      if (zip) await removeZip(zip.file);
    }
  }

  /** What anton's protocol adds for a fullstack app: its type and id, the datasources' values, the Python version. */
  private async fullstackFields(c: Review): Promise<Record<string, unknown>> {
    if (!c.fullstack) return {};
    const present = c.datasources.map(connectionSlug);
    const fields: Record<string, unknown> = {
      artifact_type: c.record.type,
      artifact_id: c.record.id,
      secrets: present.length > 0 ? await this.deps.vault.envFor(present) : {},
    };
    const version = await this.pythonVersion(c.record.slug);
    if (version) fields.python_version = version;
    return fields;
  }

  /** The upload with progress and retries; a republish whose report is gone is never sent as a new report. */
  private async upload(slug: string, client: PublishClient, upload: UploadRequest, previous: PublishedEntry | null): Promise<UploadResponse> {
    this.emit(slug, 'upload', 0);
    try {
      return await client.upload(upload, {
        onProgress: (f) => this.emit(slug, 'upload', f),
        onRetry: (n, reason) => this.emit(slug, 'retry', null, `Retrying (attempt ${n + 1}): ${reason}`),
      });
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

  private async published(slug: string): Promise<{ ctx: PublishContext; entry: PublishedEntry; others: PublishedEntry[] }> {
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
    const current = await this.md5s.current(slug, ctx.plan);
    return publishStatus(this.deps, ctx, current);
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

  /** Writes the bundle (plus deploy files for a fullstack app) to a zip; see bundle-export.ts. */
  exportBundle(slug: string, target?: string): Promise<{ path: string | null; bytes: number }> {
    return exportBundle(
      {
        chooseSavePath: this.deps.chooseSavePath,
        review: (s) => this.check(s, { requireVault: false }),
        pythonVersion: (s) => this.pythonVersion(s),
        maxBytes: () => this.maxBytes(),
      },
      slug,
      target,
    );
  }

  /**
   * What a deploy builds from, after the same review a publish gets (`deploy` reuses these
   * checks rather than repeating them): the record, the bundle's files and the review itself.
   */
  async deploySource(slug: string): Promise<{ record: PublishArtifactRecord; fullstack: boolean; entries: BundlePlan['entries']; review: Preflight }> {
    await this.deps.artifacts.reconcile(slug);
    // One read of the artifact for both the review and what the deploy builds from.
    const c = await this.check(slug);
    return { record: c.record, fullstack: c.fullstack, entries: c.plan.entries, review: await this.preflightOf(slug, c) };
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

/** The error a publish blocked by its review throws: the first problem, a count of the rest, all of them in the details. */
function blockedBy(c: Review): KilnError {
  const more = c.blocking.length - 1;
  return new KilnError(
    'VALIDATION',
    `Publishing is blocked: ${c.blocking[0]!.message}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`,
    c.blocking.map((b) => (b.file ? `${b.file}${b.line ? `:${b.line}` : ''}: ${b.message}` : b.message)).join('\n'),
  );
}
