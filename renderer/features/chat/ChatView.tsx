import { useCallback, useLayoutEffect, useRef } from 'react';
import { isRunning } from '../../../shared/chat/reducer';
import { EmptyState } from '../../components/EmptyState';
import { Spinner } from '../../components/Spinner';
import './chat.css';
import { Composer } from './Composer';
import { useChat } from './store';
import { Turn } from './Turn';
import { EarlierTurns } from './EarlierTurns';

/** The chat: the open conversation (replayed log + live events) and the composer. */
export function ChatView() {
  const view = useChat((s) => s.view);
  const loading = useChat((s) => s.loading);
  const draft = useChat((s) => s.draft);
  const { send, stop, retry, setDraft } = useChat.getState();
  const running = isRunning(view);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Follow the stream while the user is at the bottom; leave them alone when they scrolled up.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [view]);

  const onRetry = useCallback(() => void retry(), [retry]);
  const onEdit = useCallback((prompt: string) => setDraft(prompt), [setDraft]);

  return (
    <div className="view chat-view">
      <div
        className="chat-scroll"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {view.title && <h1 className="chat-title">{view.title}</h1>}
        {loading ? (
          <Spinner label="Loading the conversation" />
        ) : view.turns.length === 0 ? (
          <EmptyState icon="chat" title="Start a conversation">
            Ask Kiln for a report, a dashboard or a small app. It builds the artifact, runs it and shows it in the preview.
          </EmptyState>
        ) : (
          <div className="turns" role="log" aria-label="Conversation" aria-live="polite">
            <EarlierTurns scroller={scroller} />
            {view.turns.map((turn, i) => (
              <Turn key={turn.id} turn={turn} isLast={i === view.turns.length - 1} onRetry={onRetry} onEdit={onEdit} />
            ))}
          </div>
        )}
      </div>
      <Composer
        running={running}
        editing={draft}
        onSend={(text) => {
          pinned.current = true;
          return send(text);
        }}
        onResend={async (text) => {
          setDraft(null);
          pinned.current = true;
          await retry(text);
        }}
        onCancelEdit={() => setDraft(null)}
        onStop={() => void stop()}
      />
    </div>
  );
}
