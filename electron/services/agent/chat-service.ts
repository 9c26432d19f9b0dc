import { randomBytes } from 'node:crypto';
import type { ChatEvent, ChatLogEntry, ChatStreamEvent, ConversationSummary, TurnStatus } from '../../../shared/contract/chat';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import { summarise, type ConversationStore } from './conversation-store';
import { historyFromLog } from './history';
import { tailOfLog } from '../../../shared/chat/tail';
import type { ChatCompletionMessageParam, ModelClient } from './model-client';
import type { AgentArtifacts, ProviderSettings } from './ports';
import type { ToolRegistry } from './tools/registry';
import type { ToolResult } from './tools/types';
import { scrubJsonText, scrubToJson } from '../vault/scrubber';

/**
 * The turn loop, owned by main. A turn: the user's (scrubbed) message → the model → the tool
 * calls it asks for, one after another → their scrubbed, truncated results → the model … until
 * it answers without tools. Every event is appended to the conversation log before it is
 * broadcast, so the live view and a replay of the log always agree.
 */
export interface ChatLimits {
  maxRounds: number;
  maxToolResultChars: number;
  /** How often streamed text is flushed as one event (ms). */
  flushMs: number;
}

export const defaultLimits: ChatLimits = { maxRounds: 25, maxToolResultChars: 20_000, flushMs: 40 };

export interface ChatServiceDeps {
  store: ConversationStore;
  model: ModelClient;
  tools: ToolRegistry;
  provider: () => Promise<ProviderSettings>;
  scrub: (text: string) => string;
  systemPrompt: () => Promise<string>;
  emit: (event: ChatStreamEvent) => void;
  recordTurn: AgentArtifacts['recordTurn'];
  limits?: Partial<ChatLimits>;
  /** Checkpoints: told when a turn starts and ends (with the artifacts its tools wrote). */
  turnHooks?: {
    started(): void;
    finished(t: { conversationId: string; turnId: string; status: TurnStatus; touched: string[] }): Promise<void>;
  };
  /** Told about failures nobody is waiting for (provenance writes). */
  onBackgroundError?: (message: string, details?: string) => void;
}

interface RunningTurn {
  turnId: string;
  controller: AbortController;
  done: Promise<void>;
}

export const SUMMARY_REQUEST =
  'You have reached the limit of tool rounds for this turn. Do not call any more tools. Summarise for the user what you did, what works, and what is left to do.';

export function truncateResult(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.8);
  const tail = max - head;
  return `${text.slice(0, head)}\n…[${text.length - max} characters cut to fit the limit of ${max}; ask for less, e.g. read_file with an offset or fewer log lines]…\n${text.slice(-tail)}`;
}

const newTurnId = (): string => `t-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export class ChatService {
  private readonly running = new Map<string, RunningTurn>();
  private readonly limits: ChatLimits;

  constructor(private readonly deps: ChatServiceDeps) {
    this.limits = { ...defaultLimits, ...deps.limits };
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Seals turns a crash left open, in every conversation. Run once at start. */
  async sealInterrupted(): Promise<number> {
    let sealed = 0;
    // Only logs the index says have an open turn are read (not all of them, at every start).
    for (const id of await this.deps.store.withOpenTurns()) {
      sealed += await this.sealConversation(id);
    }
    return sealed;
  }

  private async sealConversation(id: string): Promise<number> {
    if (this.running.has(id)) return 0;
    const entries = await this.deps.store.read(id);
    const open = new Set<string>();
    for (const { event } of entries) {
      if (event.type === 'turn_started') open.add(event.turnId);
      if (event.type === 'turn_finished') open.delete(event.turnId);
    }
    for (const turnId of open) await this.deps.store.append(id, { type: 'turn_finished', turnId, status: 'interrupted' });
    return open.size;
  }

  async list(query?: string): Promise<ConversationSummary[]> {
    const all = await this.deps.store.list((id) => this.running.has(id));
    const q = query?.trim().toLowerCase();
    if (!q) return all;
    const hits: ConversationSummary[] = [];
    for (const summary of all) {
      if (summary.title.toLowerCase().includes(q)) {
        hits.push(summary);
        continue;
      }
      // Search the words too, not only titles: prompts and answers.
      const entries = await this.deps.store.read(summary.id).catch(() => []);
      const text = entries
        .map(({ event }) => (event.type === 'turn_started' ? event.prompt : event.type === 'text_delta' ? event.text : ''))
        .join('')
        .toLowerCase();
      if (text.includes(q)) hits.push(summary);
    }
    return hits;
  }

  async get(id: string, tailTurns?: number): Promise<{ summary: ConversationSummary; entries: ChatLogEntry[]; earlier: number }> {
    await this.sealConversation(id);
    const entries = await this.deps.store.read(id);
    const summary = summarise(id, entries, this.running.has(id));
    return tailTurns === undefined ? { summary, entries, earlier: 0 } : { summary, ...tailOfLog(entries, tailTurns) };
  }

  async create(title?: string): Promise<ConversationSummary> {
    const id = await this.deps.store.create(title ?? '');
    return (await this.get(id)).summary;
  }

  async rename(id: string, title: string): Promise<ConversationSummary> {
    if (!(await this.deps.store.exists(id))) throw new KilnError('NOT_FOUND', 'That conversation no longer exists.');
    await this.record(id, { type: 'conversation_renamed', title: title.trim().slice(0, 200) });
    return (await this.get(id)).summary;
  }

  async delete(id: string): Promise<void> {
    await this.stop(id);
    await this.deps.store.delete(id);
  }

  async send(conversationId: string | undefined, text: string): Promise<{ conversationId: string; turnId: string }> {
    const id = conversationId ?? (await this.deps.store.create(''));
    if (conversationId && !(await this.deps.store.exists(conversationId))) {
      throw new KilnError('NOT_FOUND', 'That conversation no longer exists. Start a new chat.');
    }
    return this.start(id, text);
  }

  /** Runs the last turn again, with the same prompt or an edited one. */
  async retry(id: string, text?: string): Promise<{ conversationId: string; turnId: string }> {
    const { entries } = await this.get(id);
    let last: { turnId: string; prompt: string } | null = null;
    for (const { event } of entries) {
      if (event.type === 'turn_started') last = { turnId: event.turnId, prompt: event.prompt };
    }
    if (!last) throw new KilnError('NOT_FOUND', 'There is no message to retry in this conversation.');
    return this.start(id, text ?? last.prompt, last.turnId);
  }

  async stop(id: string, reason: 'user' | 'shutdown' = 'user'): Promise<boolean> {
    const turn = this.running.get(id);
    if (!turn) return false;
    turn.controller.abort(reason);
    await turn.done;
    return true;
  }

  /** On quit: running turns end as interrupted (not stopped: the user didn't ask). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, 'shutdown')));
  }

  private async start(id: string, text: string, replaces?: string): Promise<{ conversationId: string; turnId: string }> {
    if (this.running.has(id)) {
      throw new KilnError('CONFLICT', 'A reply is still streaming in this conversation. Stop it first.');
    }
    const turnId = newTurnId();
    const controller = new AbortController();
    const prompt = this.deps.scrub(text);
    // Registered before the first await so a second send can't slip in.
    const turn: RunningTurn = { turnId, controller, done: Promise.resolve() };
    this.running.set(id, turn);
    try {
      await this.record(id, replaces ? { type: 'turn_started', turnId, prompt, replaces } : { type: 'turn_started', turnId, prompt });
    } catch (error) {
      this.running.delete(id);
      throw error;
    }
    this.deps.turnHooks?.started();
    turn.done = this.runTurn(id, turnId, prompt, controller.signal).finally(() => this.running.delete(id));
    return { conversationId: id, turnId };
  }

  private async record(id: string, event: ChatEvent): Promise<void> {
    const entry = await this.deps.store.append(id, event);
    this.deps.emit({ conversationId: id, ...entry });
  }

  private async runTurn(id: string, turnId: string, prompt: string, signal: AbortSignal): Promise<void> {
    const touched = new Map<string, Set<string>>();
    // Events of one turn are written in order, one at a time.
    let chain: Promise<void> = Promise.resolve();
    let writeFailed = false;
    const post = (event: ChatEvent): Promise<void> => {
      chain = chain
        .then(() => this.record(id, event))
        .catch((error: unknown) => {
          // The turn goes on, but the user must learn that history is not being saved.
          if (!writeFailed) this.deps.onBackgroundError?.('Kiln could not save this conversation to disk; the answer will not be kept.', (error as Error).message);
          writeFailed = true;
        });
      return chain;
    };
    let pendingText = '';
    let timer: NodeJS.Timeout | null = null;
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!pendingText) return chain;
      const text = pendingText;
      pendingText = '';
      return post({ type: 'text_delta', turnId, text });
    };
    const onText = (text: string): void => {
      pendingText += text;
      timer ??= setTimeout(() => void flush(), this.limits.flushMs);
    };

    let status: TurnStatus = 'done';
    try {
      const provider = await this.deps.provider();
      const entries = await this.deps.store.read(id);
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: await this.deps.systemPrompt() },
        ...historyFromLog(entries),
      ];
      const ctx = {
        conversationId: id,
        turnId,
        signal,
        touch: (slug: string, rel: string) => {
          const set = touched.get(slug) ?? new Set<string>();
          set.add(rel);
          touched.set(slug, set);
        },
        showArtifact: (slug: string, name: string, type: string) => void post({ type: 'artifact', turnId, slug, name, kind: type }),
        proposePublish: (slug: string, note?: string) =>
          void post(note !== undefined ? { type: 'publish_proposed', turnId, slug, note } : { type: 'publish_proposed', turnId, slug }),
      };

      for (let round = 0; ; round++) {
        const summarising = round >= this.limits.maxRounds;
        if (summarising) messages.push({ role: 'user', content: SUMMARY_REQUEST });
        void post({ type: 'round_started', turnId, round });
        const result = await this.deps.model.stream(
          { baseUrl: provider.baseUrl, model: provider.model, apiKey: provider.apiKey },
          { messages, tools: summarising ? [] : this.deps.tools.forModel() },
          {
            onText,
            onRetry: (attempt, delayMs, reason) =>
              void post({ type: 'retrying', turnId, attempt, delayMs: Math.round(delayMs), reason: this.deps.scrub(reason) }),
          },
          signal,
        );
        await flush();
        if (result.usage) void post({ type: 'usage', turnId, ...result.usage });
        if (result.toolCalls.length === 0 || summarising) break;

        const calls = result.toolCalls.map((c) => ({ ...c, shownArgs: scrubJsonText(c.arguments, this.deps.scrub) }));
        messages.push({
          role: 'assistant',
          content: result.text || null,
          tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.shownArgs } })),
        });
        for (const call of calls) {
          if (signal.aborted) break;
          void post({ type: 'tool_call_started', turnId, callId: call.id, name: call.name, args: call.shownArgs });
          const started = performance.now();
          const outcome: ToolResult = await this.deps.tools.execute(call.name, call.arguments, { ...ctx, callId: call.id });
          const shown = truncateResult(scrubToJson(outcome, this.deps.scrub), this.limits.maxToolResultChars);
          await post({
            type: 'tool_call_finished',
            turnId,
            callId: call.id,
            ok: outcome.success,
            result: shown,
            durationMs: Math.round(performance.now() - started),
          });
          messages.push({ role: 'tool', tool_call_id: call.id, content: shown });
        }
        if (signal.aborted) throw new KilnError('CANCELLED', 'Stopped.');
      }
    } catch (error) {
      await flush();
      if (signal.aborted || (isKilnError(error) && error.code === 'CANCELLED')) {
        status = signal.reason === 'shutdown' ? 'interrupted' : 'stopped';
      } else {
        status = 'error';
        const e = isKilnError(error) ? error : new KilnError('INTERNAL', 'The turn failed unexpectedly.', (error as Error)?.message);
        await post({
          type: 'error',
          turnId,
          code: e.code,
          message: this.deps.scrub(e.message),
          ...(e.details ? { details: this.deps.scrub(e.details) } : {}),
        });
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
    await post({ type: 'turn_finished', turnId, status });
    await this.recordProvenance(id, turnId, prompt, touched);
    // A turn that changed files gets a checkpoint per artifact; a stopped or failed one an "Interrupted" one.
    await this.deps.turnHooks?.finished({ conversationId: id, turnId, status, touched: [...touched.keys()] }).catch((error: unknown) => {
      this.deps.onBackgroundError?.('Kiln could not save a checkpoint after this turn.', (error as Error).message);
    });
  }

  private async recordProvenance(id: string, turnId: string, prompt: string, touched: Map<string, Set<string>>): Promise<void> {
    if (touched.size === 0) return;
    const entries = await this.deps.store.read(id).catch(() => []);
    const summary = summarise(id, entries, false);
    const turnIds: string[] = [];
    for (const { event } of entries) {
      if (event.type === 'turn_started' && !turnIds.includes(event.turnId)) turnIds.push(event.turnId);
    }
    // 0-based, as anton's TurnEntry.index is (its README then says "Turn 0" for the first one).
    const index = Math.max(0, turnIds.indexOf(turnId));
    for (const [slug, files] of touched) {
      try {
        await this.deps.recordTurn(slug, {
          conversation: id,
          title: summary.title,
          index,
          timestamp: new Date().toISOString(),
          prompt,
          filesTouched: [...files].sort(),
        });
      } catch (error) {
        this.deps.onBackgroundError?.(`Could not record this turn on artifact ${slug}.`, (error as Error).message);
      }
    }
  }
}
