import { randomBytes } from 'node:crypto';
import type { McpDecision, McpPermissionRequest } from '../../../shared/contract/mcp';
import { KilnError } from '../../../shared/contract/core';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';

/**
 * The "ask" permission: a tool call waits here until the user answers on its tool card —
 * Allow once (this tool may run for the rest of the conversation), Always (stored as the tool's
 * permission by the caller) or Deny (this call is refused; the next one asks again). Stop
 * answers for the user: the call is refused.
 */
interface Waiting {
  request: McpPermissionRequest;
  resolve: (decision: McpDecision) => void;
}

export class PermissionBroker {
  private readonly waiting = new Map<string, Waiting>();
  /** conversation → `<server>__<tool>` allowed for the rest of it. */
  private readonly allowed = new Map<string, Set<string>>();
  private readonly changed = new Emitter<McpPermissionRequest[]>();

  onChanged(listener: (pending: McpPermissionRequest[]) => void): Disposable {
    return this.changed.on(listener);
  }

  pending(): McpPermissionRequest[] {
    return [...this.waiting.values()].map((w) => w.request);
  }

  allowedInConversation(conversationId: string, qualified: string): boolean {
    return this.allowed.get(conversationId)?.has(qualified) ?? false;
  }

  /** Waits for the user's answer; resolves 'deny' when the signal aborts (Stop). */
  ask(request: Omit<McpPermissionRequest, 'id'>, qualified: string, signal: AbortSignal): Promise<McpDecision> {
    if (signal.aborted) return Promise.resolve('deny');
    const id = `p-${randomBytes(6).toString('hex')}`;
    return new Promise<McpDecision>((resolve) => {
      const finish = (decision: McpDecision): void => {
        if (!this.waiting.delete(id)) return;
        signal.removeEventListener('abort', onAbort);
        if (decision === 'once') {
          const set = this.allowed.get(request.conversationId) ?? new Set<string>();
          set.add(qualified);
          this.allowed.set(request.conversationId, set);
        }
        this.changed.fire(this.pending());
        resolve(decision);
      };
      const onAbort = (): void => finish('deny');
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, { request: { id, ...request }, resolve: finish });
      this.changed.fire(this.pending());
    });
  }

  answer(id: string, decision: McpDecision): void {
    const waiting = this.waiting.get(id);
    if (!waiting) throw new KilnError('NOT_FOUND', 'That tool call is no longer waiting for an answer (it was stopped or already answered).');
    waiting.resolve(decision);
  }

  /** Forgets what a conversation allowed (it was deleted). */
  forget(conversationId: string): void {
    this.allowed.delete(conversationId);
  }
}
