import { promises as fs } from 'node:fs';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/**
 * `<ws>/.kiln/grants.json`: which datasources the user allowed for which artifact, by the
 * artifact's *id* (a rename keeps its grants; a new artifact reusing a slug does not inherit
 * them) and the datasource slug. Outside every artifact folder, so neither a backend (which
 * can write only its own folder) nor the agent's file tools can add a grant.
 */
interface GrantsFile {
  version: 1;
  grants: Record<string, Record<string, { grantedAt: string }>>;
}

export class GrantStore {
  private readonly queue = new KeyedQueue();

  constructor(private readonly file: () => string) {}

  private async read(): Promise<GrantsFile> {
    try {
      const data = JSON.parse(await fs.readFile(this.file(), 'utf8')) as Partial<GrantsFile>;
      const grants = data && typeof data.grants === 'object' && data.grants !== null ? data.grants : {};
      return { version: 1, grants };
    } catch {
      // Missing or unreadable: nothing is granted (the safe side); the user is asked again.
      return { version: 1, grants: {} };
    }
  }

  async granted(artifactId: string): Promise<Set<string>> {
    const data = await this.read();
    return new Set(Object.keys(data.grants[artifactId] ?? {}));
  }

  /** Adds (`allow`) or removes grants; serialized so two prompts never lose each other's answer. */
  change(artifactId: string, datasources: readonly string[], allow: boolean, now = new Date()): Promise<Set<string>> {
    return this.queue.run('file', async () => {
      const data = await this.read();
      const entry = { ...(data.grants[artifactId] ?? {}) };
      for (const ds of datasources) {
        if (allow) entry[ds] ??= { grantedAt: now.toISOString() };
        else delete entry[ds];
      }
      if (Object.keys(entry).length > 0) data.grants[artifactId] = entry;
      else delete data.grants[artifactId];
      await writeStateFile(this.file(), toPrettyJson(data));
      return new Set(Object.keys(entry));
    });
  }
}
