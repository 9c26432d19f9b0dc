import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChatLogEntry, ConversationSummary } from '../../../shared/contract/chat';
import { concurrency } from '../fs/concurrency';
import { writeStateFile } from '../fs/state-file';

/**
 * A small index of the conversation logs — title, created, updated, turns, open turns, and
 * the log's size and mtime when indexed — so `chat.list` reads one file instead of parsing
 * every log. The logs stay the truth: the index is kept in memory, updated on every append,
 * written to `index.json` shortly after, and at start each entry is checked against its log's
 * size and mtime; a missing, damaged or stale entry is rebuilt from its log alone.
 */
export interface IndexEntry {
  title: string;
  createdAt: string;
  updatedAt: string;
  /** Turn ids (a retried turn replaces the one it retries). */
  turns: string[];
  /** Turns started and not finished: non-empty only after a crash or while running. */
  open: string[];
  size: number;
  mtimeMs: number;
}

const INDEX_FILE = 'index.json';
const VERSION = 1;

export function emptyEntry(): IndexEntry {
  return { title: '', createdAt: '', updatedAt: '', turns: [], open: [], size: -1, mtimeMs: -1 };
}

/** Folds one log entry into an index entry (the same rules as `summarise`). */
export function foldEntry(e: IndexEntry, { at, event }: ChatLogEntry): void {
  if (!e.createdAt) e.createdAt = at;
  e.updatedAt = at;
  if (event.type === 'conversation_created' || event.type === 'conversation_renamed') e.title = event.title;
  if (event.type === 'turn_started') {
    if (event.replaces) e.turns = e.turns.filter((t) => t !== event.replaces);
    if (!e.turns.includes(event.turnId)) e.turns.push(event.turnId);
    if (!e.open.includes(event.turnId)) e.open.push(event.turnId);
    if (!e.title) e.title = event.prompt.slice(0, 80);
  }
  if (event.type === 'turn_finished') e.open = e.open.filter((t) => t !== event.turnId);
}

export function toSummary(id: string, e: IndexEntry, running: boolean): ConversationSummary {
  const created = e.createdAt || new Date(0).toISOString();
  return { id, title: e.title || 'New chat', createdAt: created, updatedAt: e.updatedAt || created, turns: e.turns.length, running };
}

export class ConversationIndex {
  private entries = new Map<string, IndexEntry>();
  private loaded: Promise<void> | null = null;
  private loadedDir: string | null = null;
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Appends and deletes that land while `load` reads the logs, replayed onto its result. */
  private duringLoad: { id: string; entry: ChatLogEntry | null }[] | null = null;

  constructor(
    private readonly dir: () => string,
    private readonly readLog: (id: string) => Promise<ChatLogEntry[]>,
    private readonly isId: (id: string) => boolean,
    private readonly persistDelayMs = 500,
  ) {}

  /** Every conversation's entry, checking the logs against the index once per process. */
  async all(): Promise<Map<string, IndexEntry>> {
    if (this.loadedDir !== this.dir()) {
      // The workspace moved: start over from the new folder's logs.
      this.loadedDir = this.dir();
      this.entries = new Map();
      this.dirty.clear();
      this.loaded = null;
    }
    this.loaded ??= this.load();
    await this.loaded;
    return this.entries;
  }

  /** After an append reached the disk. */
  applied(id: string, entry: ChatLogEntry): void {
    if (!this.loaded || this.loadedDir !== this.dir()) return; // not read yet: the start-up check will see the new size
    if (this.duringLoad) {
      this.duringLoad.push({ id, entry });
      return;
    }
    const e = this.entries.get(id) ?? emptyEntry();
    foldEntry(e, entry);
    this.entries.set(id, e);
    this.markDirty(id);
  }

  removed(id: string): void {
    if (this.duringLoad) this.duringLoad.push({ id, entry: null });
    if (this.entries.delete(id)) this.markDirty(id);
  }

  /** Writes pending changes now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.persist();
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.persist();
    }, this.persistDelayMs);
    this.timer.unref?.();
  }

  private async persist(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0 && this.entries.size > 0) return;
    this.writing = this.writing.then(async () => {
      // Record each changed log's size and mtime now, so the start-up check can trust it.
      await Promise.all(
        ids.map(async (id) => {
          const e = this.entries.get(id);
          if (!e) return;
          const st = await fs.stat(path.join(this.dir(), `${id}.jsonl`)).catch(() => null);
          if (st) Object.assign(e, { size: st.size, mtimeMs: st.mtimeMs });
        }),
      );
      const body = JSON.stringify({ version: VERSION, entries: Object.fromEntries(this.entries) });
      await writeStateFile(path.join(this.dir(), INDEX_FILE), body, path.dirname(this.dir())).catch(() => undefined);
    });
    await this.writing;
  }

  private async readIndexFile(): Promise<Map<string, IndexEntry>> {
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.dir(), INDEX_FILE), 'utf8')) as { version?: number; entries?: Record<string, IndexEntry> };
      if (raw.version !== VERSION || typeof raw.entries !== 'object' || raw.entries === null) return new Map();
      return new Map(Object.entries(raw.entries).filter(([, e]) => isEntry(e)));
    } catch {
      return new Map(); // missing or damaged: rebuilt from the logs
    }
  }

  private async load(): Promise<void> {
    this.duringLoad = [];
    try {
      await this.loadNow();
    } finally {
      this.duringLoad = null;
    }
  }

  private async loadNow(): Promise<void> {
    const saved = await this.readIndexFile();
    const names = await fs.readdir(this.dir()).catch(() => [] as string[]);
    const ids = names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).filter(this.isId);
    const fresh = new Map<string, IndexEntry>();
    let changed = saved.size !== ids.length;
    // A first start reads every log: a few at a time keeps the memory peak (and what the
    // process keeps of it) small, at no cost in time (electron/services/fs/concurrency.ts).
    const limit = concurrency(16);
    await Promise.all(
      ids.map((id) => limit(async () => {
        const st = await fs.lstat(path.join(this.dir(), `${id}.jsonl`)).catch(() => null);
        if (!st?.isFile()) return;
        const known = saved.get(id);
        if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) {
          fresh.set(id, known);
          return;
        }
        changed = true;
        const e = emptyEntry();
        try {
          for (const entry of await this.readLog(id)) foldEntry(e, entry);
        } catch {
          return; // unreadable (a FIFO, too big): listed nowhere, as before
        }
        Object.assign(e, { size: st.size, mtimeMs: st.mtimeMs });
        fresh.set(id, e);
      })),
    );
    // Appends that raced the load may or may not be in what was read: folding them again in
    // order gives the same entry either way (the last start/finish/rename wins).
    for (const { id, entry } of this.duringLoad ?? []) {
      if (entry === null) {
        fresh.delete(id);
        continue;
      }
      const e = fresh.get(id) ?? emptyEntry();
      foldEntry(e, entry);
      fresh.set(id, e);
      changed = true;
      this.dirty.add(id);
    }
    this.duringLoad = null;
    this.entries = fresh;
    if (changed) {
      for (const id of fresh.keys()) this.dirty.add(id);
      await this.persist();
    }
  }
}

function isEntry(e: unknown): e is IndexEntry {
  const x = e as IndexEntry;
  return (
    typeof x === 'object' && x !== null && typeof x.title === 'string' && typeof x.createdAt === 'string' && typeof x.updatedAt === 'string' &&
    Array.isArray(x.turns) && Array.isArray(x.open) && typeof x.size === 'number' && typeof x.mtimeMs === 'number'
  );
}
