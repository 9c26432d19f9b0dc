import { KilnError } from '../../../shared/contract/core';

export interface ArtifactRevealDeps {
  /** The store's confined paths: the folder, or a file inside it. */
  store: { dir(slug: string): Promise<string>; resolveFile(slug: string, relPath: string): Promise<string> };
  /** The runtime's file manager (PlatformPort.revealInFolder). */
  revealInFolder(target: string): Promise<void>;
}

/** Shows an artifact's folder, or one of its files, in the OS file manager. */
export class ArtifactReveal {
  constructor(private readonly deps: ArtifactRevealDeps) {}

  async reveal(slug: string, relPath?: string): Promise<void> {
    const target = relPath ? await this.deps.store.resolveFile(slug, relPath) : await this.deps.store.dir(slug);
    try {
      await this.deps.revealInFolder(target);
    } catch (error) {
      // Headless machines often have no file manager: still tell the user where it is.
      throw new KilnError('UNAVAILABLE', `Kiln couldn't open a file manager here. The folder is ${target}`, (error as Error).message);
    }
  }
}
