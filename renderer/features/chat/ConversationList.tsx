import { useEffect, useState } from 'react';
import { Button } from '../../components/Button';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { chatEndpoints } from '../../../shared/contract/chat';
import { Field, TextInput } from '../../components/Field';
import { limitProblem } from '../../components/limits';
import { Icon } from '../../components/Icon';
import { VirtualList } from '../../components/VirtualList';
import { useShell } from '../../stores/shell';
import { useChat } from './store';

/** Sidebar list of conversations: search, new chat, open, rename, delete. */
export function ConversationList() {
  const conversations = useChat((s) => s.conversations);
  const activeId = useChat((s) => s.activeId);
  const query = useChat((s) => s.query);
  const { setQuery, refreshList, open, newChat, rename, remove } = useChat.getState();
  const setView = useShell((s) => s.setView);
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; title: string } | null>(null);
  const searchTooLong = limitProblem(query.trim(), chatEndpoints['chat.list'].input.unwrap().shape.query, 'The search');
  const titleTooLong = limitProblem(renaming?.title.trim() ?? '', chatEndpoints['chat.rename'].input.shape.title, 'The title');

  useEffect(() => {
    void refreshList();
  }, [refreshList]);

  return (
    <div className="conv-list">
      <div className="conv-tools">
        <Button
          variant="primary"
          className="conv-new"
          onClick={() => {
            newChat();
            setView('chat');
          }}
        >
          New chat
        </Button>
        <input
          type="search"
          className="conv-search"
          aria-label="Search conversations"
          placeholder="Search chats"
          value={query}
          aria-invalid={searchTooLong !== null}
          onChange={(e) => setQuery(e.target.value)}
        />
        {searchTooLong && <p className="field-error" role="alert">{searchTooLong}</p>}
      </div>
      {conversations.length === 0 ? (
        <p className="muted conv-empty">{query ? 'No conversation matches.' : 'No conversations yet.'}</p>
      ) : (
        <VirtualList
          className="conv-items"
          label="Conversations"
          items={conversations}
          estimateSize={34}
          getKey={(c) => c.id}
          renderItem={(c) => (
            <div className={`conv-item${c.id === activeId ? ' active' : ''}`}>
              <button type="button" className="conv-open" aria-current={c.id === activeId ? 'true' : undefined} onClick={() => void open(c.id)}>
                {c.running && <span className="conv-live" aria-label="Answering" title="Answering" />}
                <span className="conv-title">{c.title}</span>
              </button>
              <button type="button" className="icon-btn conv-action" aria-label={`Rename ${c.title}`} title="Rename" onClick={() => setRenaming({ id: c.id, title: c.title })}>
                <Icon name="edit" size={14} />
              </button>
              <button type="button" className="icon-btn conv-action" aria-label={`Delete ${c.title}`} title="Delete" onClick={() => setDeleting({ id: c.id, title: c.title })}>
                <Icon name="trash" size={14} />
              </button>
            </div>
          )}
        />
      )}
      <Dialog
        open={renaming !== null}
        title="Rename conversation"
        onClose={() => setRenaming(null)}
        footer={
          <>
            <Button onClick={() => setRenaming(null)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={!renaming?.title.trim() || titleTooLong !== null}
              onClick={() => {
                if (renaming) void rename(renaming.id, renaming.title.trim());
                setRenaming(null);
              }}
            >
              Rename
            </Button>
          </>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (titleTooLong) return;
            if (renaming?.title.trim()) void rename(renaming.id, renaming.title.trim());
            setRenaming(null);
          }}
        >
          <Field label="Title" error={titleTooLong}>
            {(id, describedBy) => (
              <TextInput
                id={id}
                aria-describedby={describedBy}
                aria-invalid={titleTooLong !== null}
                autoFocus
                value={renaming?.title ?? ''}
                onChange={(e) => setRenaming((r) => (r ? { ...r, title: e.target.value } : r))}
              />
            )}
          </Field>
        </form>
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete conversation?"
        message={`"${deleting?.title ?? ''}" and its history will be deleted. Artifacts it made stay.`}
        confirmLabel="Delete"
        danger
        onConfirm={() => {
          if (deleting) void remove(deleting.id);
          setDeleting(null);
        }}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
