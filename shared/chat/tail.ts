import type { ChatLogEntry } from '../contract/chat';

/**
 * The last `turns` turns of a log (from the start of the turn `turns` back), with the latest
 * title event kept in front so the view still has its title; plus how many turns come
 * before. A long conversation opens on its tail; "Show earlier" asks for a longer one.
 */
export function tailOfLog(entries: readonly ChatLogEntry[], turns: number): { entries: ChatLogEntry[]; earlier: number } {
  const starts: number[] = [];
  entries.forEach((e, i) => {
    if (e.event.type === 'turn_started') starts.push(i);
  });
  if (starts.length <= turns) return { entries: [...entries], earlier: 0 };
  const cut = starts[starts.length - turns]!;
  let title: ChatLogEntry | undefined;
  for (let i = 0; i < cut; i++) {
    const t = entries[i]!.event.type;
    if (t === 'conversation_created' || t === 'conversation_renamed') title = entries[i];
  }
  return { entries: [...(title ? [title] : []), ...entries.slice(cut)], earlier: starts.length - turns };
}
