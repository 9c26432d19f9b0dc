import { describe, expect, it } from 'vitest';
import type { ChatLogEntry } from '../contract/chat';
import { replayChat } from './reducer';
import { tailOfLog } from './tail';

const at = '2026-12-01T10:00:00.000Z';
function log(): ChatLogEntry[] {
  const e: ChatLogEntry[] = [{ seq: 0, at, event: { type: 'conversation_created', title: 'First' } }];
  const push = (event: ChatLogEntry['event']): void => void e.push({ seq: e.length, at, event });
  for (let i = 0; i < 5; i++) {
    push({ type: 'turn_started', turnId: `t${i}`, prompt: `q${i}` });
    push({ type: 'turn_finished', turnId: `t${i}`, status: 'done' });
    if (i === 1) push({ type: 'conversation_renamed', title: 'Renamed' });
  }
  return e;
}

describe('tail of a conversation log', () => {
  it('keeps the last N turns and the latest title, and counts the rest', () => {
    const { entries, earlier } = tailOfLog(log(), 2);
    expect(earlier).toBe(3);
    const view = replayChat(entries);
    expect(view.title).toBe('Renamed');
    expect(view.turns.map((t) => t.prompt)).toEqual(['q3', 'q4']);
  });
  it('is the whole log when it is short enough', () => {
    expect(tailOfLog(log(), 5)).toEqual({ entries: log(), earlier: 0 });
  });
});
