import { useEffect } from 'react';
import { runCommand, type CommandId } from './commands';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

interface Shortcut {
  id: CommandId;
  key: string;
  shift?: boolean;
  label: string;
  description: string;
}

export const shortcuts: Shortcut[] = [
  { id: 'chat.new', key: 'o', shift: true, label: `${mod}+Shift+O`, description: 'New chat' },
  { id: 'chat.focusComposer', key: 'l', label: `${mod}+L`, description: 'Focus the message box' },
  { id: 'chat.stop', key: '.', label: `${mod}+.`, description: 'Stop the running turn' },
  { id: 'gallery.search', key: 'k', label: `${mod}+K`, description: 'Search the gallery' },
  { id: 'preview.toggle', key: '\\', label: `${mod}+\\`, description: 'Show or hide the preview pane' },
  { id: 'settings.open', key: ',', label: `${mod}+,`, description: 'Open settings' },
];

/** One keydown listener for the whole app; shortcuts need Ctrl (⌘ on macOS). */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const modDown = isMac ? e.metaKey : e.ctrlKey;
      if (!modDown || e.altKey) return;
      const hit = shortcuts.find((s) => s.key === e.key.toLowerCase() && Boolean(s.shift) === e.shiftKey);
      if (hit && runCommand(hit.id)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
