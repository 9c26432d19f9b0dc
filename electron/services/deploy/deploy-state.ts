import { promises as fs } from 'node:fs';
import { deploymentSchema, type Deployment } from '../../../shared/contract/deploy';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/** What `<ws>/.kiln/deployments.json` holds: the deployments, never a secret or a log. */
export type StoredDeployment = Omit<Deployment, 'logTail'>;

const storedSchema = deploymentSchema.omit({ logTail: true });

/**
 * The deployments of one workspace. Reads are forgiving (a record that no longer parses is
 * dropped and the engine's labels bring it back on reconcile); writes are atomic and serialized.
 */
export class DeploymentState {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: () => string) {}

  async read(): Promise<StoredDeployment[]> {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(this.file(), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      // Unreadable: keep a copy for the user and start over; reconcile re-adopts live containers.
      await fs.copyFile(this.file(), `${this.file()}.bak`).catch(() => undefined);
      return [];
    }
    const list = (raw as { deployments?: unknown[] } | null)?.deployments;
    if (!Array.isArray(list)) return [];
    return list.flatMap((d) => {
      const parsed = storedSchema.safeParse(d);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Applies `change` to the list under the lock and writes the result. */
  update<T>(change: (list: StoredDeployment[]) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const list = await this.read();
      const result = await change(list);
      await writeStateFile(this.file(), toPrettyJson({ version: 1, deployments: list.map((d) => storedSchema.parse(d)) }));
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
