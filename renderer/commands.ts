import { Emitter } from '../shared/lib/emitter';

/**
 * App-wide commands (shortcuts, menus) decoupled from the features that carry them out:
 * a shortcut runs a command by id; the feature that owns it registers the handler.
 */
export type CommandId = 'chat.new' | 'chat.focusComposer' | 'chat.stop' | 'gallery.search' | 'preview.toggle' | 'settings.open';

const handlers = new Map<CommandId, Emitter<void>>();

export function onCommand(id: CommandId, handler: () => void): () => void {
  let emitter = handlers.get(id);
  if (!emitter) handlers.set(id, (emitter = new Emitter<void>((e) => console.error(e))));
  const sub = emitter.on(handler);
  return () => sub.dispose();
}

/** Runs every handler registered for the command; returns whether anyone handled it. */
export function runCommand(id: CommandId): boolean {
  const emitter = handlers.get(id);
  if (!emitter || emitter.size === 0) return false;
  emitter.fire();
  return true;
}
