import type { EndpointOutput } from '../../../shared/contract/index';

export type RemovalResult = EndpointOutput<'artifacts.delete'>;

export interface ArtifactRemovalDeps {
  /** Moves the folder to the trash (the store's delete, made by the user). */
  trash(slug: string): Promise<RemovalResult>;
  backends: {
    status(slug: string): { state: string };
    stop(slug: string): Promise<unknown>;
  };
  /** The agent's per-artifact Python scratchpads. */
  scratchpads: { reset(slug: string): unknown };
  /** Checkpoints: the artifact's history goes to the trash with it. */
  history?: { prepareRemoval(slug: string): Promise<() => Promise<void>> };
}

/**
 * Deleting an artifact as the user asks for it: nothing of the artifact may keep running from
 * the trash (or hold its folder open), so its backend stops and its Python scratchpad resets
 * before the folder moves.
 */
export class ArtifactRemoval {
  constructor(private readonly deps: ArtifactRemovalDeps) {}

  async remove(slug: string): Promise<RemovalResult> {
    if (this.deps.backends.status(slug).state !== 'stopped') await this.deps.backends.stop(slug);
    this.deps.scratchpads.reset(slug);
    const moveHistory = await this.deps.history?.prepareRemoval(slug);
    const result = await this.deps.trash(slug);
    await moveHistory?.();
    return result;
  }
}
