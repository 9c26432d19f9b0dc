import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  chatLogEntrySchema,
  type ChatEvent,
  type ChatLogEntry,
  type ConversationSummary,
} from '../../../shared/contract/chat';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import { diskError } from '../fs/disk-errors';
import { safeReadText } from '../fs/safe-read';
import { appendStateFile, createStateFile } from '../fs/state-file';
import { truncateToLastLine } from './log-repair';
import { ConversationIndex, toSummary } from './conversation-index';

/**
 * Conversations as append-only JSONL logs, one `<id>.jsonl` per conversation. A line is
 * written as soon as its event happens, so a crash leaves everything up to the crash on
 * disk; a torn last line is skipped on read and fenced off before the next append.
 * Rename is an appended event too; only delete removes a file.
 */
const ID_PATTERN = /^c-[a-z0-9]{1,20}-[a-f0-9]{8}$/;

interface LogState {
  nextSeq: number;
  /** Appends to one file run one after another, in call order. */
  chain: Promise<unknown>;
  /** An append failed and may have left part of a line: cut it off before the next one. */
  torn: boolean;
}

/** A conversation log larger than this is not read (a runaway or planted file). */
export const MAX_CONVERSATION_BYTES = 64 * 1024 * 1024;

export function newConversationId(): string {
  return `c-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function summarise(id: string, entries: readonly ChatLogEntry[], running: boolean): ConversationSummary {
  let title = '';
  const turns = new Set<string>();
  for (const { event } of entries) {
    if (event.type === 'conversation_created' || event.type === 'conversation_renamed') title = event.title;
    if (event.type === 'turn_started') {
      if (event.replaces) turns.delete(event.replaces);
      turns.add(event.turnId);
      if (!title) title = event.prompt.slice(0, 80);
    }
  }
  const first = entries[0]?.at ?? new Date(0).toISOString();
  const last = entries[entries.length - 1]?.at ?? first;
  return { id, title: title || 'New chat', createdAt: first, updatedAt: last, turns: turns.size, running };
}

export class ConversationStore {
  private readonly states = new Map<string, LogState>();

  /** title/updated/turns per log, so listing doesn't parse every log (conversation-index.ts). */
  private readonly index: ConversationIndex;

  constructor(private readonly root: () => string) {
    this.index = new ConversationIndex(() => this.dir(), (id) => this.read(id), (id) => ID_PATTERN.test(id));
  }

  dir(): string {
    return path.join(this.root(), '.kiln', 'conversations');
  }

  private file(id: string): string {
    if (!ID_PATTERN.test(id)) throw new KilnError('VALIDATION', `"${id.slice(0, 80)}" is not a conversation id.`);
    return path.join(this.dir(), `${id}.jsonl`);
  }

  async exists(id: string): Promise<boolean> {
    try {
      await fs.access(this.file(id));
      return true;
    } catch {
      return false;
    }
  }

  async create(title = ''): Promise<string> {
    const id = newConversationId();
    await createStateFile(this.file(id), '', path.dirname(this.dir()));
    this.states.set(id, { nextSeq: 0, chain: Promise.resolve(), torn: false });
    await this.append(id, { type: 'conversation_created', title: title.trim().slice(0, 200) });
    return id;
  }

  /** Reads a log, skipping lines that don't parse (a torn write, a hand edit). */
  async read(id: string): Promise<ChatLogEntry[]> {
    const file = this.file(id);
    let text: string;
    try {
      // Never blocks on a FIFO named like a log, never follows a link, never reads a huge file.
      text = await safeReadText(file, { maxBytes: MAX_CONVERSATION_BYTES, label: 'This conversation log' });
    } catch (error) {
      if (isKilnError(error) && error.code === 'NOT_FOUND') {
        throw new KilnError('NOT_FOUND', 'That conversation no longer exists. It may have been deleted.');
      }
      if (isKilnError(error)) throw error;
      throw new KilnError('IO', 'Could not read the conversation log.', (error as Error).message);
    }
    const entries: ChatLogEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = chatLogEntrySchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // A torn or corrupt line: keep reading, the rest of the log is still good.
      }
    }
    return entries;
  }

  private async state(id: string): Promise<LogState> {
    let state = this.states.get(id);
    if (state) return state;
    const entries = await this.read(id);
    // A crash may have left a line without its newline: the first append cuts it off first.
    state = this.states.get(id) ?? { nextSeq: (entries[entries.length - 1]?.seq ?? -1) + 1, chain: Promise.resolve(), torn: true };
    this.states.set(id, state);
    return state;
  }

  /**
   * Appends one event; resolves with its entry once the line is on disk. A failed append (a
   * full disk) may leave part of its line behind; that part is cut off before the next append
   * (and at once, when possible), so the next line never gets glued onto it and lost. The
   * failure is a typed error saying the turn was not saved.
   */
  async append(id: string, event: ChatEvent): Promise<ChatLogEntry> {
    const state = await this.state(id);
    const entry: ChatLogEntry = { seq: state.nextSeq++, at: new Date().toISOString(), event };
    const line = `${JSON.stringify(entry)}\n`;
    const file = this.file(id);
    const write = state.chain.then(async () => {
      if (state.torn) {
        await truncateToLastLine(file);
        state.torn = false;
      }
      try {
        await appendStateFile(file, line, path.dirname(this.dir()));
      } catch (error) {
        state.torn = true;
        // Cutting needs no free space, so try at once; if it fails too, the next append retries.
        await truncateToLastLine(file).then(() => (state.torn = false), () => undefined);
        throw diskError(error, 'save this chat turn') ?? new KilnError('IO', 'Kiln could not save this chat turn.', (error as Error).message);
      }
    });
    state.chain = write.catch(() => undefined);
    await write;
    this.index.applied(id, entry);
    return entry;
  }

  async list(isRunning: (id: string) => boolean = () => false): Promise<ConversationSummary[]> {
    const out: ConversationSummary[] = [];
    for (const [id, e] of await this.index.all()) out.push(toSummary(id, e, isRunning(id)));
    // Timestamps are to the millisecond, so two chats touched in the same one are ordered by
    // which began later, then by id, never by the order the folder happens to list them in.
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Conversations with a turn started and never finished (a crash), from the index. */
  async withOpenTurns(): Promise<string[]> {
    return [...(await this.index.all())].filter(([, e]) => e.open.length > 0).map(([id]) => id);
  }

  /** Writes the index now (shutdown, tests). */
  flushIndex(): Promise<void> {
    return this.index.flush();
  }

  async delete(id: string): Promise<void> {
    const file = this.file(id);
    const state = this.states.get(id);
    if (state) await state.chain;
    this.states.delete(id);
    await fs.rm(file, { force: true });
    this.index.removed(id);
  }
}
