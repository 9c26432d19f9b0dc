import type Docker from 'dockerode';
import { KilnError } from '../../../shared/contract/core';
import type { DeployProgress, DeployReview, DeployTarget, DeployTargetInput, Deployment, RestartPolicy } from '../../../shared/contract/deploy';
import { datasourceSlug } from '../../../shared/vault/catalog';
import { settingOrEnv } from '../config/prefer-setting';
import { grantedDatasources, type DatasourceGrants } from '../grants/split';
import { DEFAULT_BASE_IMAGE, imageName } from '../publish/export-files';
import type { DeploymentState, StoredDeployment } from './deploy-state';
import { connect, engineError, ping, type EngineConnection } from './engine';
import { buildImage, contextEntries, tarContext } from './image-build';
import type { DeploySourcePort, DeployVaultPort } from './ports';
import { isRunning, removeContainer, rollout } from './rollout';
import { followLogs, LABEL_ARTIFACT, LABEL_DEPLOYMENT, LABEL_PORT, LABEL_TARGET, logTail } from './runtime';
import { LOCAL_TARGET_ID, type DeployTargets } from './targets';

export interface DeployServiceDeps {
  source: DeploySourcePort;
  vault: DeployVaultPort;
  /** Datasource consent: only granted datasources' values reach the container. */
  grants?: DatasourceGrants | undefined;
  targets: DeployTargets;
  state: DeploymentState;
  scrub(text: string): string;
  env: NodeJS.ProcessEnv;
  onProgress?(p: DeployProgress): void;
  onChanged?(d: { id: string; slug: string }): void;
  onLog?(d: { id: string; text: string }): void;
  /** The artifact's latest checkpoint id (history), for the image tag; null when it has none. */
  checkpoint?(slug: string): Promise<string | null>;
  /** How long a new container may take to answer its health check (default 60 s). */
  healthTimeoutMs?: number;
  /** Images kept per deployment for rollback (the serving one included; default 3). */
  keepImages?: number;
}

/** How many previous images a deployment keeps for rollback, besides the one serving. */
const DEFAULT_KEEP = 3;

function tagNow(checkpoint: string | null): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const time = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`;
  // The checkpoint names the files; the time keeps two builds of one checkpoint apart.
  const cp = checkpoint?.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  return cp ? `cp-${cp}-${time}` : time;
}

/**
 * Deploying artifacts to Docker Engines the user runs: build from the bundle, run with the
 * granted datasources as run-time environment, health-check, and the lifecycle after that.
 */
export class DeployService {
  private readonly busy = new Set<string>();
  private readonly followers = new Map<string, () => void>();
  private readonly tails = new Map<string, string>();

  constructor(private readonly deps: DeployServiceDeps) {}

  /**
   * Reconciles the stored deployments with the engines, in the background — only when there are
   * some: loading dockerode and ssh2 costs ~0.7 s of CPU at start-up, and with nothing stored the
   * first `list` (the Deploy section opening) reconciles anyway, adopting what the engines run.
   */
  start(): void {
    void this.deps.state
      .read()
      .then((stored) => (stored.length > 0 ? this.reconcile() : undefined))
      .catch(() => undefined);
  }

  shutdown(): void {
    for (const stop of this.followers.values()) stop();
    this.followers.clear();
  }

  // ---- targets ------------------------------------------------------------------------------

  listTargets(): Promise<DeployTarget[]> {
    return this.deps.targets.list();
  }

  saveTarget(input: DeployTargetInput): Promise<DeployTarget> {
    if (input.kind === 'local' || input.id === LOCAL_TARGET_ID) return this.deps.targets.saveLocal(input);
    return this.deps.targets.save({ ...input, kind: input.kind });
  }

  async removeTarget(id: string): Promise<void> {
    const used = (await this.deps.state.read()).filter((d) => d.targetId === id);
    if (used.length > 0) throw new KilnError('CONFLICT', `Remove the ${used.length} deployment${used.length > 1 ? 's' : ''} on this target first (Deployments list), then remove the target.`);
    await this.deps.targets.remove(id);
  }

  async testTarget(id: string): Promise<{ version: string; os: string }> {
    const target = await this.deps.targets.get(id);
    const conn = await this.connection(target);
    try {
      const v = await conn.docker.version();
      return { version: v.Version, os: `${v.Os}/${v.Arch}` };
    } catch (error) {
      throw engineError(target, conn.where, error);
    }
  }

  baseImage(target: DeployTarget): string {
    return settingOrEnv(target.baseImage, this.deps.env.KILN_DEPLOY_BASE_IMAGE, DEFAULT_BASE_IMAGE);
  }

  private async connection(target: DeployTarget): Promise<EngineConnection> {
    const conn = await connect(target, (kind) => this.deps.targets.credential(target.id, kind), this.deps.env);
    await ping(conn, target);
    return conn;
  }

  // ---- review and deploy ---------------------------------------------------------------------

  /** The publish review, plus datasources the user has not allowed this artifact yet. */
  private async checked(slug: string): Promise<Awaited<ReturnType<DeploySourcePort['deploySource']>> & { env: () => Promise<Record<string, string>> }> {
    const src = await this.deps.source.deploySource(slug);
    const { granted, pending } = await grantedDatasources(this.deps.grants, src.record);
    const review = { ...src.review, blocking: [...src.review.blocking] };
    for (const p of pending) {
      review.blocking.push({ kind: 'missing-datasource', message: `The app uses the datasource ${p}, which you have not allowed for this artifact yet. Allow it (open the app's preview and answer the prompt), then deploy.` });
    }
    const inVault = new Set(src.review.datasources.filter((d) => d.inVault).map((d) => datasourceSlug(d.engine, d.name)));
    const slugs = granted.map((d) => datasourceSlug(d.engine, d.name)).filter((x) => inVault.has(x));
    return { ...src, review, env: async () => (slugs.length > 0 ? this.deps.vault.envFor(slugs) : {}) };
  }

  async review(slug: string): Promise<DeployReview> {
    const [{ review }, targets] = await Promise.all([this.checked(slug), this.deps.targets.list()]);
    const deployments = await this.list(slug, { reconcile: false });
    const used = new Set((await this.deps.state.read()).map((d) => d.hostPort));
    let port = 8100;
    while (used.has(port)) port++;
    return { review, targets, baseImages: Object.fromEntries(targets.map((t) => [t.id, this.baseImage(t)])), deployments, suggestedPort: deployments[0]?.hostPort ?? port };
  }

  private progress(deploymentId: string, slug: string, phase: DeployProgress['phase'], line: string): void {
    this.deps.onProgress?.({ deploymentId, slug, phase, line: this.deps.scrub(line).slice(0, 2000) });
  }

  private async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) throw new KilnError('CONFLICT', 'This deployment is already being changed. Wait for it to finish.');
    this.busy.add(id);
    try {
      return await fn();
    } finally {
      this.busy.delete(id);
    }
  }

  async deploy(slug: string, targetId: string, hostPort: number, restartPolicy: RestartPolicy): Promise<Deployment> {
    const { record } = await this.deps.source.deploySource(slug);
    const id = `${targetId}.${record.id.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 200);
    const clash = (await this.deps.state.read()).find((d) => d.targetId === targetId && d.hostPort === hostPort && d.id !== id && d.status !== 'stopped');
    if (clash) throw new KilnError('CONFLICT', `Port ${hostPort} on this target is used by the deployment of “${clash.name}”. Choose another port.`);
    return this.exclusive(id, () => this.buildAndRoll(id, slug, targetId, { hostPort, restartPolicy }));
  }

  redeploy(id: string): Promise<Deployment> {
    return this.exclusive(id, async () => {
      const d = await this.find(id);
      return this.buildAndRoll(id, d.slug, d.targetId, { hostPort: d.hostPort, restartPolicy: d.restartPolicy });
    });
  }

  private async buildAndRoll(id: string, slug: string, targetId: string, opts: { hostPort: number; restartPolicy: RestartPolicy }): Promise<Deployment> {
    const emit = (phase: DeployProgress['phase'], line: string): void => this.progress(id, slug, phase, line);
    try {
      const src = await this.checked(slug);
      const blocking = src.review.blocking;
      if (blocking.length > 0) {
        throw new KilnError('VALIDATION', `Deploying is blocked: ${blocking[0]!.message}${blocking.length > 1 ? ` (and ${blocking.length - 1} more)` : ''}`, blocking.map((b) => `${b.file ?? ''}${b.line ? `:${b.line}` : ''} ${b.message}`).join('\n'));
      }
      const target = await this.deps.targets.get(targetId);
      emit('connect', `Connecting to ${target.name}…`);
      const conn = await this.connection(target);
      const image = `kiln/${imageName(slug)}:${tagNow(await this.deps.checkpoint?.(slug).catch(() => null) ?? null)}`;
      const baseImage = this.baseImage(target);
      emit('build', `Building ${image} on ${baseImage}…`);
      try {
        await buildImage(conn.docker, {
          context: await tarContext(contextEntries(src.fullstack, src.entries)),
          tag: image,
          baseImage,
          labels: { [LABEL_ARTIFACT]: src.record.id, [LABEL_DEPLOYMENT]: id },
          onLine: (line) => emit('build', line),
        });
      } catch (error) {
        throw error instanceof KilnError ? new KilnError(error.code, this.deps.scrub(error.message), error.details ? this.deps.scrub(error.details) : undefined) : engineError(target, conn.where, error);
      }
      // Granted datasources the vault holds: container environment at run time, nothing else.
      const env = await src.env();
      const existing = (await this.deps.state.read()).find((d) => d.id === id) ?? null;
      return await this.roll(conn, target, existing, {
        id, slug, name: src.record.name, artifactId: src.record.id, image, env, ...opts,
      }, emit);
    } catch (error) {
      const message = error instanceof Error ? this.deps.scrub(error.message) : 'Deploy failed.';
      emit('failed', message);
      throw error;
    }
  }

  private async roll(
    conn: EngineConnection,
    target: DeployTarget,
    existing: StoredDeployment | null,
    next: { id: string; slug: string; name: string; artifactId: string; image: string; env: Record<string, string>; hostPort: number; restartPolicy: RestartPolicy },
    emit: (phase: DeployProgress['phase'], line: string) => void,
    history?: string[],
  ): Promise<Deployment> {
    const previousContainerId = existing?.containerId && (await isRunning(conn.docker, existing.containerId)) ? existing.containerId : null;
    const result = await rollout({
      docker: conn.docker,
      deploymentId: next.id,
      artifactId: next.artifactId,
      slug: next.slug,
      targetId: target.id,
      image: next.image,
      hostPort: next.hostPort,
      bindAddress: target.bindAddress || '0.0.0.0',
      restartPolicy: next.restartPolicy,
      env: next.env,
      previousContainerId,
      healthTimeoutMs: this.deps.healthTimeoutMs ?? 60_000,
      progress: emit,
      scrub: this.deps.scrub,
    });
    const host = conn.urlHost.includes(':') ? `[${conn.urlHost}]` : conn.urlHost;
    const base: StoredDeployment = existing ?? {
      id: next.id, artifactId: next.artifactId, slug: next.slug, name: next.name, targetId: target.id, targetName: target.name,
      url: null, hostPort: next.hostPort, restartPolicy: next.restartPolicy, image: null, previousImages: [], containerId: null,
      status: 'deploying', startedAt: null, message: null,
    };
    if (!result.ok) {
      this.tails.set(next.id, result.logTail);
      await this.save({ ...base, status: result.previousServing ? base.status === 'running' ? 'unhealthy' : base.status : 'unhealthy', containerId: result.previousServing ? base.containerId : null, message: this.deps.scrub(result.error.message) });
      // The image that never became healthy is not kept (the serving one and its history are).
      if (next.image !== base.image && !base.previousImages.includes(next.image)) await conn.docker.getImage(next.image).remove({ force: true }).catch(() => undefined);
      emit('failed', result.error.message);
      throw new KilnError(result.error.code, this.deps.scrub(result.error.message), result.logTail);
    }
    this.tails.delete(next.id);
    const previous = history ?? (base.image && base.image !== next.image ? [base.image, ...base.previousImages.filter((i) => i !== next.image)] : base.previousImages);
    const keep = (this.deps.keepImages ?? DEFAULT_KEEP) - 1;
    const dropped = previous.slice(keep);
    const saved = await this.save({
      ...base, slug: next.slug, name: next.name, targetName: target.name, url: `http://${host}:${next.hostPort}/`, hostPort: next.hostPort,
      restartPolicy: next.restartPolicy, image: next.image, previousImages: previous.slice(0, keep), containerId: result.containerId,
      status: 'running', startedAt: new Date().toISOString(), message: null,
    });
    for (const img of dropped) await conn.docker.getImage(img).remove({ force: true }).catch(() => undefined);
    emit('done', `Running at ${saved.url}`);
    return saved;
  }

  /** Runs the previous image again (new container, health check, then the current one stops). */
  rollback(id: string): Promise<Deployment> {
    return this.exclusive(id, async () => {
      const d = await this.find(id);
      const [back, ...older] = d.previousImages;
      if (!back) throw new KilnError('NOT_FOUND', 'There is no earlier version to roll back to.');
      const target = await this.deps.targets.get(d.targetId);
      const conn = await this.connection(target);
      const src = await this.checked(d.slug).catch(() => null);
      const env = src ? await src.env() : {};
      const emit = (phase: DeployProgress['phase'], line: string): void => this.progress(id, d.slug, phase, line);
      const rolledBack = d.image;
      const out = await this.roll(conn, target, d, { id, slug: d.slug, name: d.name, artifactId: d.artifactId, image: back, env, hostPort: d.hostPort, restartPolicy: d.restartPolicy }, emit, older);
      // The version rolled back from is gone; Redeploy builds the current files again.
      if (rolledBack) await conn.docker.getImage(rolledBack).remove({ force: true }).catch(() => undefined);
      return out;
    });
  }

  stop(id: string): Promise<Deployment> {
    return this.exclusive(id, async () => {
      const d = await this.find(id);
      const target = await this.deps.targets.get(d.targetId);
      const conn = await this.connection(target);
      // Stopped and removed: a restart policy would otherwise bring it back with the engine.
      for (const c of await this.containersOf(conn.docker, id)) await removeContainer(conn.docker, c);
      return this.save({ ...d, containerId: null, status: 'stopped', message: null });
    });
  }

  /** Removes the containers and every image of the deployment, then the record. */
  remove(id: string): Promise<void> {
    return this.exclusive(id, async () => {
      const d = await this.find(id);
      this.unfollowLogs(id);
      const target = await this.deps.targets.get(d.targetId).catch(() => null);
      if (target) {
        const conn = await this.connection(target);
        for (const c of await this.containersOf(conn.docker, id)) await removeContainer(conn.docker, c);
        const images = await conn.docker.listImages({ filters: JSON.stringify({ label: [`${LABEL_DEPLOYMENT}=${id}`] }) });
        for (const img of images) await conn.docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
      }
      await this.deps.state.update((list) => {
        const i = list.findIndex((x) => x.id === id);
        if (i >= 0) list.splice(i, 1);
      });
      this.tails.delete(id);
      this.deps.onChanged?.({ id, slug: d.slug });
    });
  }

  private async containersOf(docker: Docker, id: string): Promise<string[]> {
    const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_DEPLOYMENT}=${id}`] }) });
    return list.map((c) => c.Id);
  }

  // ---- list, reconcile, logs ---------------------------------------------------------------

  private async find(id: string): Promise<StoredDeployment> {
    const d = (await this.deps.state.read()).find((x) => x.id === id);
    if (!d) throw new KilnError('NOT_FOUND', 'That deployment no longer exists.');
    return d;
  }

  private async save(d: StoredDeployment): Promise<Deployment> {
    await this.deps.state.update((list) => {
      const i = list.findIndex((x) => x.id === d.id);
      if (i >= 0) list[i] = d;
      else list.push(d);
    });
    this.deps.onChanged?.({ id: d.id, slug: d.slug });
    return { ...d, logTail: this.tails.get(d.id) ?? null };
  }

  async list(slug?: string, options: { reconcile: boolean } = { reconcile: true }): Promise<Deployment[]> {
    if (options.reconcile) await this.reconcile().catch(() => undefined);
    const all = await this.deps.state.read();
    return all.filter((d) => !slug || d.slug === slug).map((d) => ({ ...d, logTail: this.tails.get(d.id) ?? null }));
  }

  /**
   * Brings the stored list in line with the engines: a container gone or exited means stopped,
   * a running one labelled by Kiln but missing from the list is adopted. An unreachable engine
   * leaves its deployments as they were.
   */
  async reconcile(): Promise<void> {
    const targets = await this.deps.targets.list();
    for (const target of targets) {
      let docker: Docker;
      try {
        docker = (await this.connection(target)).docker;
      } catch {
        continue;
      }
      const live = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL_DEPLOYMENT, `${LABEL_TARGET}=${target.id}`] }) }).catch(() => null);
      if (!live) continue;
      await this.deps.state.update((list) => {
        for (const d of list.filter((x) => x.targetId === target.id && !this.busy.has(x.id))) {
          const c = d.containerId ? live.find((x) => x.Id === d.containerId) : undefined;
          if (!c && d.containerId) Object.assign(d, { containerId: null, status: 'stopped', message: 'The container was removed outside Kiln.' });
          else if (c && c.State !== 'running' && c.State !== 'restarting') Object.assign(d, { status: 'stopped' });
          else if (c && d.status === 'stopped') Object.assign(d, { status: 'running' });
        }
        for (const c of live) {
          const depId = c.Labels[LABEL_DEPLOYMENT]!;
          if (list.some((d) => d.id === depId) || c.State !== 'running') continue;
          const port = Number(c.Labels[LABEL_PORT]);
          list.push({
            id: depId, artifactId: c.Labels[LABEL_ARTIFACT] ?? '', slug: c.Labels['kiln.slug'] ?? '', name: c.Labels['kiln.slug'] ?? depId,
            targetId: target.id, targetName: target.name, url: null, hostPort: Number.isInteger(port) && port > 0 ? port : 1,
            restartPolicy: 'unless-stopped', image: c.Image, previousImages: [], containerId: c.Id, status: 'running',
            startedAt: new Date(c.Created * 1000).toISOString(), message: 'Found on the engine (not in Kiln’s list).',
          });
        }
      });
    }
  }

  async logs(id: string, follow: boolean): Promise<{ text: string }> {
    const d = await this.find(id);
    if (!d.containerId) return { text: this.tails.get(id) ?? '' };
    const target = await this.deps.targets.get(d.targetId);
    const conn = await this.connection(target);
    const container = conn.docker.getContainer(d.containerId);
    const text = this.deps.scrub(await logTail(container, 200).catch(() => ''));
    if (follow && !this.followers.has(id)) {
      // Whole lines only, so a secret split across two chunks is still scrubbed.
      let pending = '';
      const stop = await followLogs(container, (t) => {
        pending += t;
        const cut = pending.lastIndexOf('\n');
        if (cut < 0 && pending.length < 64 * 1024) return;
        const ready = cut < 0 ? pending : pending.slice(0, cut + 1);
        pending = cut < 0 ? '' : pending.slice(cut + 1);
        this.deps.onLog?.({ id, text: this.deps.scrub(ready) });
      });
      this.followers.set(id, stop);
    }
    return { text };
  }

  unfollowLogs(id: string): void {
    this.followers.get(id)?.();
    this.followers.delete(id);
  }
}
