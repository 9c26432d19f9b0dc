/**
 * App-wide commands (shortcuts, menus) decoupled from the features that carry them out:
 * a shortcut runs a command by id; the feature that owns it registers the handler.
 */
export type CommandId = 'chat.new' | 'chat.focusComposer' | 'chat.stop' | 'gallery.search' | 'preview.toggle' | 'settings.open';

const handlers = new Map<CommandId, Set<() => void>>();

export function onCommand(id: CommandId, handler: () => void): () => void {
  let set = handlers.get(id);
  if (!set) handlers.set(id, (set = new Set()));
  set.add(handler);
  return () => set.delete(handler);
}

/** Runs every handler registered for the command; returns whether anyone handled it. */
export function runCommand(id: CommandId): boolean {
  const set = handlers.get(id);
  if (!set || set.size === 0) return false;
  for (const h of set) h();
  return true;
}
