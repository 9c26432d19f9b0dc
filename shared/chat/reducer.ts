import type { ChatEvent, ChatLogEntry, TurnStatus } from '../contract/chat';

/**
 * The one reducer that turns chat events into what the chat shows. The renderer feeds it
 * live `chat.event`s and, when a conversation is opened, the stored log: same events, same
 * result. It is pure and never mutates its input, so React can compare by reference.
 */
export type ToolStatus = 'running' | 'ok' | 'error' | 'cancelled';

export type Block =
  | { kind: 'text'; text: string }
  | {
      kind: 'tool';
      callId: string;
      name: string;
      args: string;
      status: ToolStatus;
      result?: string;
      durationMs?: number;
    }
  | { kind: 'artifact'; slug: string; name: string; artifactType: string }
  | { kind: 'publish'; slug: string; note?: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface TurnView {
  id: string;
  prompt: string;
  status: 'running' | TurnStatus;
  blocks: Block[];
  usage: Usage | null;
  error: { code: string; message: string; details?: string } | null;
  /** Set while the turn waits to retry a failed model call; cleared when text or tools arrive. */
  retrying: { attempt: number; delayMs: number; reason: string } | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ChatView {
  title: string;
  turns: TurnView[];
  /** Highest seq applied; events at or below it are ignored (live events racing a replay). */
  lastSeq: number;
}

export const emptyChatView = (): ChatView => ({ title: '', turns: [], lastSeq: -1 });

export function isRunning(view: ChatView): boolean {
  const last = view.turns[view.turns.length - 1];
  return last?.status === 'running';
}

function updateTurn(view: ChatView, turnId: string, fn: (t: TurnView) => TurnView): ChatView {
  // Events almost always target the last turn: search from the end.
  for (let i = view.turns.length - 1; i >= 0; i--) {
    const turn = view.turns[i]!;
    if (turn.id === turnId) {
      const turns = view.turns.slice();
      turns[i] = fn(turn);
      return { ...view, turns };
    }
  }
  return view;
}

function addBlock(turn: TurnView, block: Block): TurnView {
  return { ...turn, blocks: [...turn.blocks, block] };
}

function applyEvent(view: ChatView, event: ChatEvent, at: string): ChatView {
  switch (event.type) {
    case 'conversation_created':
    case 'conversation_renamed':
      return { ...view, title: event.title };
    case 'turn_started': {
      const kept = event.replaces ? view.turns.filter((t) => t.id !== event.replaces) : view.turns;
      const turn: TurnView = {
        id: event.turnId,
        prompt: event.prompt,
        status: 'running',
        blocks: [],
        usage: null,
        error: null,
        retrying: null,
        startedAt: at,
        finishedAt: null,
      };
      return { ...view, turns: [...kept, turn] };
    }
    case 'round_started':
      return view;
    case 'retrying':
      return updateTurn(view, event.turnId, (turn) => ({
        ...turn,
        retrying: { attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
      }));
    case 'text_delta':
      return updateTurn(view, event.turnId, (turn) => {
        if (turn.retrying) turn = { ...turn, retrying: null };
        const last = turn.blocks[turn.blocks.length - 1];
        if (last?.kind === 'text') {
          const blocks = turn.blocks.slice();
          blocks[blocks.length - 1] = { kind: 'text', text: last.text + event.text };
          return { ...turn, blocks };
        }
        return addBlock(turn, { kind: 'text', text: event.text });
      });
    case 'tool_call_started':
      return updateTurn(view, event.turnId, (turn) =>
        addBlock({ ...turn, retrying: null }, { kind: 'tool', callId: event.callId, name: event.name, args: event.args, status: 'running' }),
      );
    case 'tool_call_finished':
      return updateTurn(view, event.turnId, (turn) => ({
        ...turn,
        blocks: turn.blocks.map((b) =>
          b.kind === 'tool' && b.callId === event.callId
            ? { ...b, status: event.ok ? 'ok' : 'error', result: event.result, durationMs: event.durationMs }
            : b,
        ),
      }));
    case 'artifact':
      return updateTurn(view, event.turnId, (turn) => {
        // One card per artifact per turn, moved to where it was last touched.
        const blocks = turn.blocks.filter((b) => !(b.kind === 'artifact' && b.slug === event.slug));
        return { ...turn, blocks: [...blocks, { kind: 'artifact', slug: event.slug, name: event.name, artifactType: event.kind }] };
      });
    case 'publish_proposed':
      return updateTurn(view, event.turnId, (turn) =>
        addBlock(turn, event.note !== undefined ? { kind: 'publish', slug: event.slug, note: event.note } : { kind: 'publish', slug: event.slug }),
      );
    case 'usage':
      return updateTurn(view, event.turnId, (turn) => {
        const prev = turn.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
        return {
          ...turn,
          usage: {
            promptTokens: prev.promptTokens + event.promptTokens,
            completionTokens: prev.completionTokens + event.completionTokens,
            totalTokens: prev.totalTokens + event.totalTokens,
          },
        };
      });
    case 'error':
      return updateTurn(view, event.turnId, (turn) => ({
        ...turn,
        error: event.details !== undefined
          ? { code: event.code, message: event.message, details: event.details }
          : { code: event.code, message: event.message },
      }));
    case 'turn_finished':
      return updateTurn(view, event.turnId, (turn) => ({
        ...turn,
        status: event.status,
        finishedAt: at,
        retrying: null,
        // A tool still running when the turn ended was cut off with it.
        blocks: turn.blocks.some((b) => b.kind === 'tool' && b.status === 'running')
          ? turn.blocks.map((b) => (b.kind === 'tool' && b.status === 'running' ? { ...b, status: 'cancelled' } : b))
          : turn.blocks,
      }));
  }
}

export function reduceChat(view: ChatView, entry: ChatLogEntry): ChatView {
  if (entry.seq <= view.lastSeq) return view;
  return { ...applyEvent(view, entry.event, entry.at), lastSeq: entry.seq };
}

export function replayChat(entries: readonly ChatLogEntry[], start: ChatView = emptyChatView()): ChatView {
  let view = start;
  for (const entry of entries) view = reduceChat(view, entry);
  return view;
}
