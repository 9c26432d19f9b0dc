import { useLayoutEffect, useRef, type RefObject } from 'react';
import { useChat } from './store';

/**
 * "Show earlier messages" at the top of a long conversation, which opens on its tail. After
 * the earlier turns load, the scroll position is kept on the message the user was reading.
 */
export function EarlierTurns({ scroller }: { scroller: RefObject<HTMLDivElement | null> }) {
  const earlier = useChat((s) => s.earlier);
  const view = useChat((s) => s.view);
  const anchor = useRef<{ height: number; top: number } | null>(null);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !anchor.current) return;
    el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top;
    anchor.current = null;
  }, [view, scroller]);

  if (earlier === 0) return null;
  return (
    <button
      type="button"
      className="chat-earlier"
      onClick={() => {
        const el = scroller.current;
        if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
        // Nothing loaded (an error, shown as a notice): the anchor must not move a later update.
        void useChat.getState().showEarlier().then((loaded) => {
          if (!loaded) anchor.current = null;
        });
      }}
    >
      Show earlier messages ({earlier} {earlier === 1 ? 'turn' : 'turns'})
    </button>
  );
}
