import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useShell } from '../../stores/shell';
import { Button } from '../../components/Button';
import { useComposerPrefill } from './composer-prefill';
import { MAX_PROMPT_CHARS } from '../../../shared/contract/chat';
import { tooLongMessage } from '../../components/limits';

interface Props {
  running: boolean;
  /** Set when the user chose to edit the last message. */
  editing: string | null;
  onSend(text: string): Promise<boolean>;
  onResend(text: string): Promise<void>;
  onCancelEdit(): void;
  onStop(): void;
}

/** Enter sends, Shift+Enter adds a line; while a turn streams the button is Stop. */
export function Composer({ running, editing, onSend, onResend, onCancelEdit, onStop }: Props) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);

  // Ctrl+L (⌘L) and New chat, Ctrl+Shift+O (⌘⇧O), land here through the shell's pending focus (renderer/shortcuts.ts).
  const pendingFocus = useShell((st) => st.pendingFocus);
  const clearFocus = useShell((st) => st.clearFocus);
  useEffect(() => {
    if (pendingFocus !== 'composer') return;
    ref.current?.focus();
    clearFocus();
  }, [pendingFocus, clearFocus]);

  // Text put in by another view (the preview's "Fix with the agent"), for the user to send.
  const prefill = useComposerPrefill((st) => st.nonce);
  useEffect(() => {
    if (prefill === 0) return;
    setText(useComposerPrefill.getState().text);
    ref.current?.focus();
  }, [prefill]);

  useEffect(() => {
    if (editing !== null) {
      setText(editing);
      ref.current?.focus();
    }
  }, [editing]);

  const tooLong = tooLongMessage(text.trim().length, MAX_PROMPT_CHARS, 'Your message', 'Attach long text as a file in the artifact instead.');
  const submit = async (): Promise<void> => {
    const value = text.trim();
    if (!value || running || tooLong) return;
    if (editing !== null) {
      setText('');
      await onResend(value);
      return;
    }
    setText('');
    if (!(await onSend(value))) setText(value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
    if (e.key === 'Escape' && editing !== null) onCancelEdit();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {editing !== null && (
        <div className="composer-editing">
          Editing your last message — sending replaces that turn.
          <button type="button" className="link-btn" onClick={onCancelEdit}>
            Cancel
          </button>
        </div>
      )}
      <textarea
        ref={ref}
        aria-label="Message"
        placeholder="Ask for a report, a dashboard or an app…  (Enter sends, Shift+Enter for a new line)"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={tooLong ? true : undefined}
      />
      {tooLong && (
        <p className="error-text" role="alert">
          {tooLong}
        </p>
      )}
      <div className="composer-actions">
        {running ? (
          <Button variant="danger" onClick={onStop}>
            Stop
          </Button>
        ) : (
          <Button variant="primary" type="submit" disabled={!text.trim() || tooLong !== null}>
            {editing !== null ? 'Resend' : 'Send'}
          </Button>
        )}
      </div>
    </form>
  );
}
