import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import type { ArtifactStore } from '../artifacts/store';
import type { BackendSupervisor } from '../backends/supervisor';
import type { LiveReload } from '../backends/live-reload';
import type { PythonService } from '../python/python-service';
import type { DatasourceGrants } from '../grants/split';
import type { VaultService } from '../vault/vault-service';
import type { AgentArtifactRecord, AgentArtifacts, AgentBackends, AgentPython, AgentVault } from './ports';

/**
 * Adapters from the real services to the agent's narrow ports (ports.ts). The composition
 * root and the integration tests both use these, so tests exercise the real wiring.
 */

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
      return view(await store.create({ ...input, type }, 'agent'));
    },
    list: async () =>
      (await store.list()).map((i) => ({ slug: i.slug, name: i.name, type: i.type, description: i.description })),
    open: async (slug) => view(await store.open(slug)),
    update: async (slug, patch) => view(await store.update(slug, patch, 'agent')),
    dir: (slug) => store.dir(slug),
    files: {
      write: (slug, rel, content) => store.files.write(slug, rel, content, 'agent'),
      read: (slug, rel, maxBytes) => store.files.read(slug, rel, { maxBytes }),
      kind: (slug, rel) => store.files.kind(slug, rel),
      list: async (slug, sub) => (await store.files.list(slug, sub)).map((f) => ({ path: f.path, bytes: f.bytes })),
    },
    recordTurn: async (slug, turn) => {
      await store.recordTurn(slug, turn, 'agent');
    },
  };
}

export function vaultPort(vault: VaultService): AgentVault {
  return {
    list: async () => (await vault.list()).map((d) => ({ slug: d.slug, engine: d.engine, name: d.name, label: d.label })),
    exists: (slug) => vault.exists(slug),
    envFor: (slugs) => vault.envFor(slugs),
    envNames: (slug) => vault.envNames(slug),
  };
}

export function backendsPort(supervisor: BackendSupervisor, live?: LiveReload): AgentBackends {
  return {
    ...(live ? { afterWrite: (slug: string, rel: string) => live.afterWrite(slug, rel) } : {}),
    launch: (slug) => supervisor.launch(slug),
    stop: (slug) => supervisor.stop(slug),
    status: (slug) => supervisor.status(slug),
    logs: (slug, tail) => supervisor.logs(slug, { tail }),
  };
}

/** The scratchpad runs in the artifact's own venv (created on first use, like the backend's). */
export function pythonPort(python: PythonService, grants?: DatasourceGrants): AgentPython {
  return { interpreterFor: async (slug) => (await python.ensureVenv(slug)).python, ...(python.sandbox ? { sandbox: python.sandbox } : {}), ...(grants ? { grants } : {}) };
}
