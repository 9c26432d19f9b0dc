import type { AgentBackendStatus } from '../ports';
import { ok, type ToolResult } from './types';

/**
 * The write_file result when the write restarted a running backend (live reload): the file is
 * written either way; the message says whether the new version runs, and if not, why (the
 * scrubbed log tail with the traceback), so the agent can fix it without relaunching.
 */
export function reloadResult(wrote: string, slug: string, status: AgentBackendStatus): ToolResult {
  const details: Record<string, unknown> = { state: status.state };
  if (status.reload?.phase === 'failed') {
    details.reload = 'failed';
    if (status.reload.error) details.error = status.reload.error;
    if (status.reload.logTail) details.log_tail = status.reload.logTail;
    return ok(
      `${wrote} The backend did NOT reload: the new version failed to start, so the previous version keeps serving. Fix the error in log_tail and write the file again.`,
      { resource_id: slug, details },
    );
  }
  if (status.state === 'running') {
    details.reload = 'restarted';
    return ok(`${wrote} The backend restarted with the new code and the preview shows it.`, { resource_id: slug, details, ...(status.url ? { external_url: status.url } : {}) });
  }
  details.reload = 'failed';
  if (status.error) details.error = status.error;
  if (status.logTail) details.log_tail = status.logTail;
  return ok(`${wrote} The backend is ${status.state} after the change${status.error ? `: ${status.error}` : '.'}`, { resource_id: slug, details });
}
