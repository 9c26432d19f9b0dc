// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { ChatLogEntry } from '../../../shared/contract/chat';
import { tailOfLog } from '../../../shared/chat/tail';
import { setTransport } from '../../api/client';
import { FakeTransport } from '../../testing/fake-transport';
import { useShell } from '../../stores/shell';
import { KilnError } from '../../../shared/contract/core';
import { ChatView } from './ChatView';
import { OPEN_TAIL_TURNS, useChat } from './store';

afterEach(cleanup);

/** A conversation of `n` finished turns, as the log stores it. */
function longLog(n: number): ChatLogEntry[] {
  const at = '2026-12-01T10:00:00.000Z';
  const out: ChatLogEntry[] = [{ seq: 0, at, event: { type: 'conversation_created', title: 'Long one' } }];
  for (let i = 0; i < n; i++) {
    out.push({ seq: out.length, at, event: { type: 'turn_started', turnId: `t-${i}`, prompt: `question ${i}` } });
    out.push({ seq: out.length, at, event: { type: 'text_delta', turnId: `t-${i}`, text: `answer ${i}` } });
    out.push({ seq: out.length, at, event: { type: 'turn_finished', turnId: `t-${i}`, status: 'done' } });
  }
  return out;
}

it('opens a long conversation on its last turns and loads earlier ones on request, title kept', async () => {
  const log = longLog(100);
  const fake = new FakeTransport().handle('chat.get', ({ conversationId, tailTurns }) => {
    const { entries, earlier } = tailTurns ? tailOfLog(log, tailTurns) : { entries: log, earlier: 0 };
    return { summary: { id: conversationId, title: 'Long one', createdAt: log[0]!.at, updatedAt: log[0]!.at, turns: 100, running: false }, entries, earlier };
  });
  setTransport(fake);
  render(<ChatView />);
  await act(() => useChat.getState().open('c-abc-12345678'));
  expect(fake.calls[0]!.input).toEqual({ conversationId: 'c-abc-12345678', tailTurns: OPEN_TAIL_TURNS });
  expect(screen.getByRole('heading', { name: 'Long one' })).toBeTruthy();
  expect(screen.getByText('question 99')).toBeTruthy();
  expect(screen.getByText(`question ${100 - OPEN_TAIL_TURNS}`)).toBeTruthy();
  expect(screen.queryByText(`question ${99 - OPEN_TAIL_TURNS}`)).toBeNull();
  const more = screen.getByRole('button', { name: `Show earlier messages (${100 - OPEN_TAIL_TURNS} turns)` });
  await act(async () => {
    fireEvent.click(more);
    await new Promise((r) => setTimeout(r, 10));
  });
  expect(screen.getByText(`question ${100 - 2 * OPEN_TAIL_TURNS}`)).toBeTruthy();
  expect(screen.getByText('question 99')).toBeTruthy();
  expect(screen.getByRole('button', { name: `Show earlier messages (${100 - 2 * OPEN_TAIL_TURNS} turns)` })).toBeTruthy();
});

it('earlier turns that fail to load leave the conversation on screen, with the error shown', async () => {
  const log = longLog(100);
  let calls = 0;
  const fake = new FakeTransport().handle('chat.get', ({ conversationId, tailTurns }) => {
    calls += 1;
    if (calls > 1) throw new KilnError('IO', 'Kiln could not read this conversation.');
    const { entries, earlier } = tailOfLog(log, tailTurns ?? OPEN_TAIL_TURNS);
    return { summary: { id: conversationId, title: 'Long one', createdAt: log[0]!.at, updatedAt: log[0]!.at, turns: 100, running: false }, entries, earlier };
  });
  setTransport(fake);
  render(<ChatView />);
  await act(() => useChat.getState().open('c-abc-87654321'));
  let loaded = true;
  await act(async () => {
    loaded = await useChat.getState().showEarlier();
  });
  expect(loaded).toBe(false);
  expect(useChat.getState().activeId).toBe('c-abc-87654321');
  expect(screen.getByRole('heading', { name: 'Long one' })).toBeTruthy();
  expect(screen.getByText('question 99')).toBeTruthy();
  expect(screen.getByRole('button', { name: `Show earlier messages (${100 - OPEN_TAIL_TURNS} turns)` })).toBeTruthy();
  expect(useShell.getState().toasts.at(-1)).toMatchObject({ level: 'error', message: 'Kiln could not read this conversation.' });
});
