import { create } from 'zustand';
import { chatEndpoints, type ChatLogEntry, type ChatStreamEvent, type ConversationSummary } from '../../../shared/contract/chat';
import { emptyChatView, reduceChat, replayChat, type ChatView } from '../../../shared/chat/reducer';
import { api, toKilnError } from '../../api/client';
import { useShell } from '../../stores/shell';
import { limitProblem } from '../../components/limits';
import { isFullstackType } from '../../../shared/artifacts/rules';

/**
 * The chat's client state. Main owns the turn; this store only mirrors it: the open
 * conversation is the shared reducer applied to the stored log, then to live `chat.event`s
 * (the reducer drops events it has already seen, so a replay racing the stream is harmless).
 */
interface ChatState {
  conversations: ConversationSummary[];
  query: string;
  activeId: string | null;
  view: ChatView;
  loading: boolean;
  /** Text to put back in the composer (edit the last message). */
  draft: string | null;
  setQuery(query: string): void;
  refreshList(): Promise<void>;
  /** Opens on the last `tailTurns` turns (a long conversation shows its end first). */
  /** Resolves false when the conversation could not be read (the error is shown). */
  open(id: string, tailTurns?: number): Promise<boolean>;
  /** Turns of the open conversation not loaded yet, and how many are. */
  earlier: number;
  tailTurns: number;
  /** Resolves false when the earlier turns could not be loaded (the error is shown). */
  showEarlier(): Promise<boolean>;
  newChat(): void;
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  retry(text?: string): Promise<void>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  setDraft(draft: string | null): void;
  applyLive(event: ChatStreamEvent): void;
}

function report(error: unknown): void {
  const e = toKilnError(error);
  useShell.getState().notify({ level: 'error', message: e.message, details: e.details });
}

/** Live events for a conversation that is still loading, applied once its log is in. */
let pending: { id: string; entries: ChatLogEntry[] } | null = null;
/** Turns a conversation opens with; "Show earlier" adds this many again. */
export const OPEN_TAIL_TURNS = 40;
let listTimer: ReturnType<typeof setTimeout> | null = null;

export const useChat = create<ChatState>()((set, get) => ({
  conversations: [],
  query: '',
  activeId: null,
  view: emptyChatView(),
  loading: false,
  draft: null,
  earlier: 0,
  tailTurns: OPEN_TAIL_TURNS,

  showEarlier: async () => {
    const { activeId, tailTurns, earlier } = get();
    if (!activeId || earlier === 0) return false;
    return get().open(activeId, tailTurns + OPEN_TAIL_TURNS);
  },

  setQuery: (query) => {
    set({ query });
    if (listTimer) clearTimeout(listTimer);
    listTimer = setTimeout(() => void get().refreshList(), 150);
  },

  refreshList: async () => {
    try {
      const q = get().query.trim();
      if (limitProblem(q, chatEndpoints['chat.list'].input.unwrap().shape.query, 'The search')) return; // the list says why
      const conversations = await api.call('chat.list', q ? { query: q } : undefined);
      set({ conversations });
    } catch (error) {
      report(error);
    }
  },

  open: async (id, tailTurns = OPEN_TAIL_TURNS) => {
    const more = get().activeId === id && tailTurns > OPEN_TAIL_TURNS;
    pending = { id, entries: [] };
    // "Show earlier" keeps what is on screen while the longer tail loads.
    set(more ? { loading: false } : { activeId: id, view: emptyChatView(), loading: true, draft: null, earlier: 0, tailTurns });
    try {
      const { entries, earlier } = await api.call('chat.get', { conversationId: id, tailTurns });
      if (get().activeId !== id) return false;
      const live = pending?.id === id ? pending.entries : [];
      pending = null;
      set({ view: replayChat(live, replayChat(entries)), loading: false, earlier, tailTurns });
      return true;
    } catch (error) {
      pending = null;
      report(error);
      // Earlier turns that fail to load leave the conversation on screen as it was.
      if (more) return false;
      set({ loading: false, activeId: null });
      void get().refreshList();
      return false;
    }
  },

  newChat: () => {
    pending = null;
    set({ activeId: null, view: emptyChatView(), loading: false, draft: null });
  },

  send: async (text) => {
    const { activeId } = get();
    try {
      const { conversationId } = await api.call('chat.send', activeId ? { conversationId: activeId, text } : { text });
      if (!activeId) {
        // A new conversation: its first events may already have been broadcast.
        await get().open(conversationId);
      }
      void get().refreshList();
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  },

  stop: async () => {
    const { activeId } = get();
    if (!activeId) return;
    try {
      await api.call('chat.stop', { conversationId: activeId });
    } catch (error) {
      report(error);
    }
  },

  retry: async (text) => {
    const { activeId } = get();
    if (!activeId) return;
    try {
      await api.call('chat.retry', text !== undefined ? { conversationId: activeId, text } : { conversationId: activeId });
    } catch (error) {
      report(error);
    }
  },

  rename: async (id, title) => {
    try {
      await api.call('chat.rename', { conversationId: id, title });
      await get().refreshList();
    } catch (error) {
      report(error);
    }
  },

  remove: async (id) => {
    try {
      await api.call('chat.delete', { conversationId: id });
      if (get().activeId === id) get().newChat();
      await get().refreshList();
    } catch (error) {
      report(error);
    }
  },

  setDraft: (draft) => set({ draft }),

  applyLive: (e) => {
    const { conversationId, ...entry } = e;
    if (pending && pending.id === conversationId) pending.entries.push(entry);
    const state = get();
    if (state.activeId === conversationId && !state.loading) {
      set({ view: reduceChat(state.view, entry) });
    }
    const t = entry.event.type;
    // An artifact the agent just made or changed in the open chat comes up in the preview,
    // unless the user is already looking at another one.
    if (t === 'artifact' && state.activeId === conversationId) {
      const { slug, kind } = entry.event;
      const show = (): void => {
        const shell = useShell.getState();
        if (!shell.preview || shell.preview.slug === slug) shell.openPreview(slug);
      };
      // Opening a fullstack app starts its backend: wait until the agent has launched it,
      // rather than racing the agent's own setup of its Python environment.
      if (!isFullstackType(kind)) show();
      else void api.call('backends.status', { slug }).then((st) => st.state === 'running' && show(), () => undefined);
    }
    if (t === 'turn_started' || t === 'turn_finished' || t === 'conversation_renamed') void state.refreshList();
  },
}));
