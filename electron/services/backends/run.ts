import type { ResultPromise } from 'execa';
import type { BackendState, BackendStatus } from '../../../shared/contract/backends';
import type { LogSink } from './log-sink';

/** How often a start is tried again on another port when its port was taken in between. */
export const PORT_RETRIES = 3;
/** Log lines shown with a failed start or a crash. */
export const TAIL_LINES = 40;

/** One artifact's backend as the supervisor tracks it (at most one per artifact). */
export interface Run {
  slug: string;
  state: BackendState;
  child: ResultPromise | null;
  pid?: number;
  port?: number;
  url?: string;
  error?: string;
  logTail?: string;
  warning?: string;
  startedAt?: string;
  lastTraffic: number;
  stopping: boolean;
  exited: Promise<number | null> | null;
  log: LogSink | null;
  /** Declared datasources waiting for the user's approval (not given to this process). */
  pendingGrants?: string[];
  /** A live restart in progress or failed (see `liveRestart`). */
  reload?: BackendStatus['reload'];
}

export function addrInUse(lines: string[]): boolean {
  return lines.some((l) => /address already in use|Errno 98|Errno 48|EADDRINUSE|only one usage of each socket address/i.test(l));
}

/** While a replacement installs, the old process still serves at the same address. */
function serving(r: Run): boolean {
  return r.state === 'running' || (r.state === 'installing' && r.child !== null);
}

/** The loopback port the preview forwards to, or null when the backend is not serving. */
export function servingPort(r: Run | undefined): number | null {
  return r && r.port !== undefined && serving(r) ? r.port : null;
}

/** What the UI and the agent see of a run. */
export function runStatus(slug: string, r: Run | undefined): BackendStatus {
  if (!r) return { slug, state: 'stopped' };
  const s: BackendStatus = { slug, state: r.state };
  const running = r.state === 'running';
  if (r.port !== undefined && running) s.port = r.port;
  if (r.url !== undefined && serving(r)) s.url = r.url;
  if (r.error) s.error = r.error;
  if (r.logTail) s.logTail = r.logTail;
  if (r.warning && running) s.warning = r.warning;
  if (r.pid !== undefined && running) s.pid = r.pid;
  if (r.startedAt && running) s.startedAt = r.startedAt;
  if (r.pendingGrants?.length) s.pendingGrants = r.pendingGrants;
  if (r.reload && running) s.reload = r.reload;
  return s;
}
