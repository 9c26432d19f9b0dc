import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { KilnError } from '../../../shared/contract/core';
import type { DeployProgress, RestartPolicy } from '../../../shared/contract/deploy';
import { LABEL_ARTIFACT, LABEL_DEPLOYMENT, LABEL_PORT, LABEL_TARGET, logTail, runContainer, waitHealthy } from './runtime';

export interface RolloutInput {
  docker: Docker;
  deploymentId: string;
  artifactId: string;
  slug: string;
  targetId: string;
  image: string;
  hostPort: number;
  bindAddress: string;
  restartPolicy: RestartPolicy;
  env: Record<string, string>;
  /** The container serving now (kept until the new one is healthy). */
  previousContainerId: string | null;
  healthTimeoutMs: number;
  progress(phase: DeployProgress['phase'], line: string): void;
  scrub(text: string): string;
}

export type RolloutResult =
  | { ok: true; containerId: string }
  | { ok: false; error: KilnError; logTail: string; previousServing: boolean };

const PORT_TAKEN = /port \d+ on \S+ is already in use|address already in use/i;

/**
 * Start the new container beside the old one, health-check it, then stop the old one: no
 * downtime on success, the old one untouched on failure (the new one is removed, its log tail kept).
 */
export async function rollout(input: RolloutInput): Promise<RolloutResult> {
  const name = `kiln-${input.slug.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  input.progress('start', `Starting ${input.image} on port ${input.hostPort}…`);
  const container = await runContainer(input.docker, {
    image: input.image,
    name,
    hostPort: input.hostPort,
    bindAddress: input.bindAddress,
    restartPolicy: input.restartPolicy,
    env: input.env,
    labels: {
      [LABEL_ARTIFACT]: input.artifactId,
      [LABEL_DEPLOYMENT]: input.deploymentId,
      [LABEL_TARGET]: input.targetId,
      [LABEL_PORT]: String(input.hostPort),
      'kiln.slug': input.slug,
    },
  });
  input.progress('health', 'Waiting for /api/health (then /) to answer…');
  const health = await waitHealthy(container, { timeoutMs: input.healthTimeoutMs, onAttempt: (l) => input.progress('health', input.scrub(l)) });
  if (!health.healthy) {
    const tail = input.scrub(await logTail(container).catch(() => ''));
    await container.remove({ force: true }).catch(() => undefined);
    const previousServing = input.previousContainerId !== null && (await isRunning(input.docker, input.previousContainerId));
    const still = previousServing ? ' The previous version is still serving.' : '';
    const error = PORT_TAKEN.test(tail)
      ? new KilnError('CONFLICT', `Port ${input.hostPort} is already taken on this host. Choose another port and deploy again.${still}`, tail)
      : new KilnError('EXTERNAL', `The new version never became healthy: ${health.reason}. Its log ends with what went wrong (see details).${still}`, tail);
    return { ok: false, error, logTail: tail, previousServing };
  }
  if (input.previousContainerId) {
    input.progress('switch', 'Healthy. Stopping the previous version…');
    await removeContainer(input.docker, input.previousContainerId);
  }
  return { ok: true, containerId: container.id };
}

export async function isRunning(docker: Docker, id: string): Promise<boolean> {
  try {
    return (await docker.getContainer(id).inspect()).State.Running;
  } catch {
    return false;
  }
}

/** Stops (gracefully, 10 s) and removes a container; one already gone is fine. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  const c = docker.getContainer(id);
  await c.stop({ t: 10 }).catch(() => undefined);
  await c.remove({ force: true }).catch((e: { statusCode?: number }) => {
    if (e?.statusCode !== 404) throw e;
  });
}
