import type { ArtifactChange, ChangeAuthor } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import type { Checkpoint, TurnHistory } from '../../../shared/contract/history';
import type { HistoryService } from './history-service';
import type { ParsedCommit } from './message';

/** How a chat turn ended (the chat contract's statuses). */
export type TurnEnd = 'done' | 'stopped' | 'error' | 'interrupted';

export interface TurnFinished {
  conversationId: string;
  turnId: string;
  status: TurnEnd;
  /** Artifacts the turn's tools wrote to. */
  touched: string[];
}

/** Quiet period after the last outside change before it becomes one checkpoint. */
export const DEFAULT_QUIET_MS = 2000;

/**
 * When checkpoints are taken: at the end of each agent turn (its partial work as
 * "Interrupted" when it was stopped or failed), after outside and in-Kiln changes once they
 * have been quiet for a moment (never in the middle of a turn), and when an artifact appears.
 * Also undo/redo of a turn from its card.
 */
export class CheckpointScheduler {
  private running = 0;
  /** Artifacts the agent changed while a turn ran (create/update as well as file writes). */
  private readonly agentChanged = new Set<string>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; by: ChangeAuthor }>();
  private stopped = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly history: HistoryService,
    private readonly quietMs = DEFAULT_QUIET_MS,
    private readonly onError: (message: string, details?: string) => void = () => undefined,
  ) {}

  /** True while any agent turn runs: a user restore then waits for nobody and is refused. */
  turnRunning(): boolean {
    return this.running > 0;
  }

  turnStarted(): void {
    this.running++;
  }

  async turnFinished(t: TurnFinished): Promise<Checkpoint[]> {
    this.running = Math.max(0, this.running - 1);
    const slugs = new Set([...t.touched, ...this.agentChanged]);
    this.agentChanged.clear();
    const made: Checkpoint[] = [];
    for (const slug of slugs) {
      try {
        const c = await this.history.checkpoint(slug, {
          by: 'agent',
          conversationId: t.conversationId,
          turnId: t.turnId,
          ...(t.status !== 'done' ? { interrupted: true } : {}),
        });
        if (c) made.push(c);
      } catch (error) {
        this.onError(`Kiln could not save a checkpoint of "${slug}" after this turn.`, (error as Error).message);
      }
    }
    return made;
  }

  /** The artifact store's change event. */
  onChanges(changes: readonly ArtifactChange[]): void {
    for (const c of changes) {
      if (c.kind === 'removed') {
        this.cancel(c.slug);
        continue;
      }
      if (c.kind === 'created' && c.by !== 'outside') {
        // Kiln just made an empty folder: its first checkpoint is that, at once, so an undo of the
        // turn that fills it has somewhere to go (queued before any checkpoint of what follows).
        if (c.by === 'agent') this.agentChanged.add(c.slug);
        void this.track(c.slug, this.history.checkpoint(c.slug, { by: c.by, empty: true }));
        continue;
      }
      if (c.by === 'agent' && this.running > 0) {
        this.agentChanged.add(c.slug);
        continue;
      }
      this.schedule(c.slug, c.by, c.kind === 'created' ? 0 : this.quietMs);
    }
  }

  private schedule(slug: string, by: ChangeAuthor, delay: number): void {
    if (this.stopped) return;
    const old = this.timers.get(slug);
    if (old) clearTimeout(old.timer);
    const author: ChangeAuthor = old && old.by !== by ? 'outside' : by;
    const timer = setTimeout(() => void this.fire(slug, author), delay);
    timer.unref?.();
    this.timers.set(slug, { timer, by: author });
  }

  private async fire(slug: string, by: ChangeAuthor): Promise<void> {
    // Never mid-turn: the turn's own checkpoint takes what the agent (or its scripts) did.
    if (this.running > 0 && by !== 'agent') return this.schedule(slug, by, this.quietMs);
    this.timers.delete(slug);
    await this.track(slug, this.history.checkpoint(slug, { by }));
  }

  /** A background checkpoint: its failure is reported, and `stop()` waits for it. */
  private async track(slug: string, checkpoint: Promise<unknown>): Promise<void> {
    const done = checkpoint.then(
      () => undefined,
      (error: unknown) => this.onError(`Kiln could not save a checkpoint of "${slug}".`, (error as Error).message),
    );
    this.inflight.add(done);
    await done;
    this.inflight.delete(done);
  }

  private cancel(slug: string): void {
    const t = this.timers.get(slug);
    if (t) clearTimeout(t.timer);
    this.timers.delete(slug);
  }

  /** Takes the pending checkpoints now (tests, shutdown). */
  async flush(): Promise<void> {
    const pending = [...this.timers.entries()];
    for (const [, { timer }] of pending) clearTimeout(timer);
    this.timers.clear();
    for (const [slug, { by }] of pending) await this.history.checkpoint(slug, { by }).catch(() => null);
  }

  /** No more timers; resolves when checkpoints already running have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.inflight]);
  }

  /** A restore the user asked for (History tab): refused while the agent works. */
  restore(slug: string, id: string): Promise<Checkpoint> {
    return this.history.restore(slug, id, { by: 'user' }, () => this.busy());
  }

  // ── undo / redo of a turn ───────────────────────────────────────────────────────────────

  async turn(turnId: string): Promise<TurnHistory> {
    return summarise(turnId, await this.history.historiesOf(turnId));
  }

  /** Restores, in every artifact the turn changed, the checkpoint before it. */
  async undo(turnId: string): Promise<TurnHistory> {
    const histories = await this.history.historiesOf(turnId);
    const state = summarise(turnId, histories);
    if (state.artifacts.length === 0) throw new KilnError('NOT_FOUND', 'This turn changed no artifact, so there is nothing to undo.');
    if (state.undone) return state;
    for (const { slug, log } of histories) {
      const turnCheckpoint = log.find((p) => p.checkpoint.turnId === turnId);
      if (!turnCheckpoint) continue;
      const before = turnCheckpoint.commit.parent;
      if (!before) throw new KilnError('CONFLICT', `This turn made the first checkpoint of "${slug}", so there is no earlier state to go back to.`);
      await this.history.restore(slug, before, { by: 'user', undoOf: turnId }, () => this.busy());
    }
    return this.turn(turnId);
  }

  /** Brings back what each artifact looked like just before the undo. */
  async redo(turnId: string): Promise<TurnHistory> {
    const histories = await this.history.historiesOf(turnId);
    const state = summarise(turnId, histories);
    if (!state.undone) return state;
    for (const { slug, log } of histories) {
      const undo = log.find((p) => p.checkpoint.undoOf === turnId);
      const back = undo?.meta?.previous;
      if (!back) continue;
      await this.history.restore(slug, back, { by: 'user', redoOf: turnId }, () => this.busy());
    }
    return this.turn(turnId);
  }

  /** Why a user restore must wait, or null. */
  busy(): string | null {
    return this.running > 0 ? 'The agent is still working. Wait for its reply to finish (or stop it), then restore.' : null;
  }
}

function summarise(turnId: string, histories: readonly { slug: string; log: ParsedCommit[] }[]): TurnHistory {
  const artifacts: TurnHistory['artifacts'] = [];
  let undone = false;
  for (const { slug, log } of histories) {
    const made = log.find((p) => p.checkpoint.turnId === turnId);
    if (made) artifacts.push({ slug, checkpointId: made.commit.oid });
    // Newest first: the latest undo or redo of this turn decides.
    const last = log.find((p) => p.checkpoint.undoOf === turnId || p.checkpoint.redoOf === turnId);
    if (last?.checkpoint.undoOf === turnId) undone = true;
  }
  return { artifacts, undone };
}
