import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  chatLogEntrySchema,
  type ChatEvent,
  type ChatLogEntry,
  type ConversationSummary,
} from '../../../shared/contract/chat';
import { KilnError } from '../../../shared/contract/core';

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
}

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

  constructor(private readonly root: () => string) {}

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
    await fs.mkdir(this.dir(), { recursive: true });
    const id = newConversationId();
    await fs.writeFile(this.file(id), '', { flag: 'wx' });
    this.states.set(id, { nextSeq: 0, chain: Promise.resolve() });
    await this.append(id, { type: 'conversation_created', title: title.trim().slice(0, 200) });
    return id;
  }

  /** Reads a log, skipping lines that don't parse (a torn write, a hand edit). */
  async read(id: string): Promise<ChatLogEntry[]> {
    const file = this.file(id);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new KilnError('NOT_FOUND', 'That conversation no longer exists. It may have been deleted.');
      }
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
    const file = this.file(id);
    const entries = await this.read(id);
    // A crash may have left a line without its newline; fence it off so the next append parses.
    const text = await fs.readFile(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) await fs.appendFile(file, '\n');
    state = this.states.get(id) ?? { nextSeq: (entries[entries.length - 1]?.seq ?? -1) + 1, chain: Promise.resolve() };
    this.states.set(id, state);
    return state;
  }

  /** Appends one event; resolves with its entry once the line is on disk. */
  async append(id: string, event: ChatEvent): Promise<ChatLogEntry> {
    const state = await this.state(id);
    const entry: ChatLogEntry = { seq: state.nextSeq++, at: new Date().toISOString(), event };
    const line = `${JSON.stringify(entry)}\n`;
    const file = this.file(id);
    const write = state.chain.then(() => fs.appendFile(file, line, 'utf8'));
    state.chain = write.catch(() => undefined);
    await write;
    return entry;
  }

  async list(isRunning: (id: string) => boolean = () => false): Promise<ConversationSummary[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir());
    } catch {
      return [];
    }
    const out: ConversationSummary[] = [];
    for (const name of names) {
      if (!name.endsWith('.jsonl')) continue;
      const id = name.slice(0, -'.jsonl'.length);
      if (!ID_PATTERN.test(id)) continue;
      try {
        out.push(summarise(id, await this.read(id), isRunning(id)));
      } catch {
        // Deleted between readdir and read.
      }
    }
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async delete(id: string): Promise<void> {
    const file = this.file(id);
    const state = this.states.get(id);
    if (state) await state.chain;
    this.states.delete(id);
    await fs.rm(file, { force: true });
  }
}
