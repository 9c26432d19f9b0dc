import type { ChangeAuthor } from '../../../shared/contract/artifacts';
import type { CheckpointRecord } from '../../../shared/contract/history';
import type { RetentionLimits } from './retention';

/** The artifact store as history needs it (adapted from `ArtifactStore` in wiring.ts). */
export interface HistoryStorePort {
  workspace(): string;
  dir(slug: string): Promise<string>;
  /** The record's id and the fields a checkpoint keeps; throws for a damaged record. */
  read(slug: string): Promise<{ id: string } & CheckpointRecord>;
  /** Every artifact: slug and id (null for a damaged record). */
  list(): Promise<{ slug: string; id: string | null }[]>;
  /** Writes and removes content files through the store's one door, as one change. */
  applyFiles(slug: string, writes: { path: string; data: Uint8Array }[], removes: string[], by: ChangeAuthor): Promise<void>;
  /** Brings the record's name, description, primary and datasources back (never publish state). */
  restoreRecord(slug: string, record: CheckpointRecord, by: ChangeAuthor): Promise<void>;
}

export interface HistoryDeps {
  store: HistoryStorePort;
  /** A running backend restarts after a restore (requirements reinstall only if their hash changed). */
  backends: { status(slug: string): { state: string }; restart(slug: string, changed: readonly string[]): Promise<unknown> };
  /** Moves a folder to the OS trash; false when this runtime has none. */
  trashItem?: (target: string) => Promise<boolean>;
  /** True while this artifact is being published: a restore waits for nobody and is refused. */
  isPublishing?: (slug: string) => boolean;
  /** The publish state, when the artifact as it is now is what was published. */
  publishedNow?: (slug: string) => Promise<{ reportId: string; md5: string } | null>;
  limits?: () => RetentionLimits;
  /** Told after every new checkpoint or reset (the `history.changed` event). */
  onChanged?: (slug: string) => void;
  notice?: (level: 'info' | 'warning' | 'error', message: string, details?: string) => void;
  now?: () => Date;
}
