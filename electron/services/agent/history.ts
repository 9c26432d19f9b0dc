import type { ChatLogEntry } from '../../../shared/contract/chat';
import type { ChatCompletionMessageParam } from './model-client';

/**
 * Rebuilds the model's message list from a conversation log, so a resumed conversation
 * (after a restart, or a crash) continues exactly where it was. Turns replaced by a retry
 * are dropped. A tool call without a result (the turn was stopped or interrupted) gets a
 * synthetic result, because providers refuse an assistant tool call with no answer.
 */
interface Round {
  text: string;
  calls: { id: string; name: string; args: string }[];
  results: Map<string, string>;
}

interface TurnRecord {
  id: string;
  prompt: string;
  rounds: Round[];
  status: string | null;
}

export function historyFromLog(entries: readonly ChatLogEntry[]): ChatCompletionMessageParam[] {
  const turns: TurnRecord[] = [];
  const byId = new Map<string, TurnRecord>();
  for (const { event } of entries) {
    switch (event.type) {
      case 'turn_started': {
        if (event.replaces) {
          const i = turns.findIndex((t) => t.id === event.replaces);
          if (i >= 0) turns.splice(i, 1);
        }
        const turn: TurnRecord = { id: event.turnId, prompt: event.prompt, rounds: [], status: null };
        turns.push(turn);
        byId.set(turn.id, turn);
        break;
      }
      case 'round_started':
        byId.get(event.turnId)?.rounds.push({ text: '', calls: [], results: new Map() });
        break;
      case 'text_delta': {
        const turn = byId.get(event.turnId);
        if (!turn) break;
        if (turn.rounds.length === 0) turn.rounds.push({ text: '', calls: [], results: new Map() });
        turn.rounds[turn.rounds.length - 1]!.text += event.text;
        break;
      }
      case 'tool_call_started': {
        const round = byId.get(event.turnId)?.rounds.at(-1);
        round?.calls.push({ id: event.callId, name: event.name, args: event.args });
        break;
      }
      case 'tool_call_finished': {
        const round = byId.get(event.turnId)?.rounds.at(-1);
        round?.results.set(event.callId, event.result);
        break;
      }
      case 'turn_finished': {
        const turn = byId.get(event.turnId);
        if (turn) turn.status = event.status;
        break;
      }
      default:
        break;
    }
  }

  const messages: ChatCompletionMessageParam[] = [];
  for (const turn of turns) {
    messages.push({ role: 'user', content: turn.prompt });
    for (const round of turn.rounds) {
      if (round.calls.length === 0) {
        if (round.text) messages.push({ role: 'assistant', content: round.text });
        continue;
      }
      messages.push({
        role: 'assistant',
        content: round.text || null,
        tool_calls: round.calls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.args },
        })),
      });
      for (const call of round.calls) {
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: round.results.get(call.id) ?? 'The user stopped this tool call before it finished.',
        });
      }
    }
    if (turn.status === 'stopped' || turn.status === 'interrupted') {
      messages.push({
        role: 'assistant',
        content: turn.status === 'stopped' ? '(The user stopped this answer.)' : '(This answer was interrupted.)',
      });
    }
  }
  return messages;
}
