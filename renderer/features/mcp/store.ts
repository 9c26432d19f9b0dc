import { create } from 'zustand';
import type { McpPermissionRequest, McpServerView } from '../../../shared/contract/mcp';
import { api, errorMessage } from '../../api/client';

interface McpState {
  servers: McpServerView[] | null;
  listError: string | null;
  /** Tool calls waiting for Allow once / Always / Deny, by call id. */
  pending: McpPermissionRequest[];
  load(): Promise<void>;
  loadPending(): Promise<void>;
  setServers(list: McpServerView[]): void;
  setPending(list: McpPermissionRequest[]): void;
}

/** MCP servers and waiting permission prompts as main reports them; never a secret value. */
export const useMcp = create<McpState>()((set) => ({
  servers: null,
  listError: null,
  pending: [],
  async load() {
    try {
      set({ servers: await api.call('mcp.list'), listError: null });
    } catch (e) {
      set({ listError: errorMessage(e) });
    }
  },
  async loadPending() {
    try {
      set({ pending: await api.call('mcp.permissions') });
    } catch {
      // The next event brings the list again.
    }
  },
  setServers(list) {
    set({ servers: list, listError: null });
  },
  setPending(list) {
    set({ pending: list });
  },
}));
