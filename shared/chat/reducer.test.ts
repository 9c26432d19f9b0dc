import { describe, expect, it } from 'vitest';
import type { ChatEvent, ChatLogEntry } from '../contract/chat';
import { emptyChatView, isRunning, reduceChat, replayChat } from './reducer';

let seq = 0;
const e = (event: ChatEvent): ChatLogEntry => ({ seq: seq++, at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`, event });

function sampleLog(): ChatLogEntry[] {
  seq = 0;
  return [
    e({ type: 'conversation_created', title: 'Sales' }),
    e({ type: 'turn_started', turnId: 't1', prompt: 'Build a dashboard' }),
    e({ type: 'round_started', turnId: 't1', round: 0 }),
    e({ type: 'text_delta', turnId: 't1', text: 'Sure, ' }),
    e({ type: 'text_delta', turnId: 't1', text: 'creating it.' }),
    e({ type: 'tool_call_started', turnId: 't1', callId: 'c1', name: 'create_artifact', args: '{"name":"Sales"}' }),
    e({ type: 'artifact', turnId: 't1', slug: 'sales-1a2b3c4d', name: 'Sales', kind: 'html-app' }),
    e({ type: 'tool_call_finished', turnId: 't1', callId: 'c1', ok: true, result: '{"success":true}', durationMs: 12 }),
    e({ type: 'usage', turnId: 't1', promptTokens: 100, completionTokens: 10, totalTokens: 110 }),
    e({ type: 'round_started', turnId: 't1', round: 1 }),
    e({ type: 'text_delta', turnId: 't1', text: 'Done.' }),
    e({ type: 'usage', turnId: 't1', promptTokens: 200, completionTokens: 5, totalTokens: 205 }),
    e({ type: 'turn_finished', turnId: 't1', status: 'done' }),
  ];
}

describe('chat reducer', () => {
  it('builds text, tool and artifact blocks in order and sums usage over rounds', () => {
    const view = replayChat(sampleLog());
    expect(view.title).toBe('Sales');
    expect(view.turns).toHaveLength(1);
    const turn = view.turns[0]!;
    expect(turn.status).toBe('done');
    expect(turn.blocks.map((b) => b.kind)).toEqual(['text', 'tool', 'artifact', 'text']);
    expect(turn.blocks[0]).toEqual({ kind: 'text', text: 'Sure, creating it.' });
    expect(turn.blocks[1]).toMatchObject({ status: 'ok', durationMs: 12, result: '{"success":true}' });
    expect(turn.usage).toEqual({ promptTokens: 300, completionTokens: 15, totalTokens: 315 });
    expect(isRunning(view)).toBe(false);
  });

  it('gives the same view live (event by event, with duplicates) as from a replay', () => {
    const log = sampleLog();
    let live = emptyChatView();
    for (const entry of log) {
      live = reduceChat(live, entry);
      // A live event that raced the replay arrives twice: it must not double the text.
      live = reduceChat(live, entry);
    }
    expect(live).toEqual(replayChat(log));
  });

  it('never mutates the previous view (React compares by reference)', () => {
    const log = sampleLog();
    const before = replayChat(log.slice(0, 4));
    const snapshot = JSON.stringify(before);
    const after = reduceChat(before, log[4]!);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(after.turns[0]).not.toBe(before.turns[0]);
  });

  it('a retry replaces the earlier turn; a stopped turn keeps its text and cancels the running tool', () => {
    seq = 0;
    const view = replayChat([
      e({ type: 'turn_started', turnId: 't1', prompt: 'first' }),
      e({ type: 'text_delta', turnId: 't1', text: 'partial' }),
      e({ type: 'turn_finished', turnId: 't1', status: 'error' }),
      e({ type: 'turn_started', turnId: 't2', prompt: 'first, edited', replaces: 't1' }),
      e({ type: 'text_delta', turnId: 't2', text: 'half an ans' }),
      e({ type: 'tool_call_started', turnId: 't2', callId: 'c', name: 'run_python', args: '{}' }),
      e({ type: 'turn_finished', turnId: 't2', status: 'stopped' }),
    ]);
    expect(view.turns.map((t) => t.prompt)).toEqual(['first, edited']);
    expect(view.turns[0]!.status).toBe('stopped');
    expect(view.turns[0]!.blocks[0]).toEqual({ kind: 'text', text: 'half an ans' });
    expect(view.turns[0]!.blocks[1]).toMatchObject({ kind: 'tool', status: 'cancelled' });
  });

  it('shows a retry wait until text arrives', () => {
    seq = 0;
    const log = [
      e({ type: 'turn_started', turnId: 't1', prompt: 'hi' }),
      e({ type: 'retrying', turnId: 't1', attempt: 1, delayMs: 2000, reason: 'Rate limited.' }),
    ];
    expect(replayChat(log).turns[0]!.retrying).toEqual({ attempt: 1, delayMs: 2000, reason: 'Rate limited.' });
    log.push(e({ type: 'text_delta', turnId: 't1', text: 'ok' }));
    expect(replayChat(log).turns[0]!.retrying).toBeNull();
  });

  it('keeps the error of a failed turn for the UI', () => {
    seq = 0;
    const view = replayChat([
      e({ type: 'turn_started', turnId: 't1', prompt: 'hi' }),
      e({ type: 'error', turnId: 't1', code: 'FORBIDDEN', message: 'The model provider rejected the API key.' }),
      e({ type: 'turn_finished', turnId: 't1', status: 'error' }),
    ]);
    expect(view.turns[0]!.error).toEqual({ code: 'FORBIDDEN', message: 'The model provider rejected the API key.' });
  });
});
