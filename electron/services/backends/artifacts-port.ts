/** The part of an artifact record the backends read. */
export interface BackendArtifactRecord {
  /** The artifact's id: datasource grants are kept by it. */
  id: string;
  type: string;
  primary: string | null;
  datasources: { engine: string; name: string }[];
}

/**
 * The narrow view of the artifact store the backends are built against; the store itself
 * satisfies it (folder confinement and the slug rule are the store's).
 */
export interface ArtifactsPort {
  /** Absolute folder of an existing artifact; throws for an unknown or unsafe slug. */
  dir(slug: string): Promise<string>;
  open(slug: string): Promise<BackendArtifactRecord>;
  /** The record as stored, without the folder scan `open` does for files[] (a launch needs none). */
  read(slug: string): Promise<BackendArtifactRecord>;
  update(slug: string, patch: { port: number | null }): Promise<unknown>;
  /** The store's door to the artifact's files: a regular file, confined, or null. */
  files: {
    find(slug: string, rel: string): Promise<{ abs: string } | null>;
    read(slug: string, rel: string, opts?: { maxBytes?: number }): Promise<{ data: Buffer }>;
  };
}
