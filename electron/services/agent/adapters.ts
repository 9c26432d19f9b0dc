import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import type { ArtifactStore } from '../artifacts/store';
import type { AgentArtifactRecord, AgentArtifacts } from './ports';

/** The agent's view of the artifact store: the record fields a tool reports, nothing more. */
function view(r: ArtifactRecord): AgentArtifactRecord {
  return {
    slug: r.slug,
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type,
    primary: r.primary,
    port: r.port,
    datasources: r.datasources.map((d) => ({ engine: d.engine, name: d.name })),
    files: r.files.map((f) => ({ path: f.path, bytes: f.bytes })),
  };
}

export function artifactPort(store: ArtifactStore): AgentArtifacts {
  return {
    create: async (input) => {
      const type = input.type as ArtifactRecord['type'];
      return view(await store.create({ ...input, type }));
    },
    list: async () =>
      (await store.list()).map((i) => ({ slug: i.slug, name: i.name, type: i.type, description: i.description })),
    open: async (slug) => view(await store.open(slug)),
    update: async (slug, patch) => view(await store.update(slug, patch)),
    dir: (slug) => store.dir(slug),
    resolveFile: (slug, rel) => store.resolveFile(slug, rel),
    recordTurn: async (slug, turn) => {
      await store.recordTurn(slug, turn);
    },
  };
}
