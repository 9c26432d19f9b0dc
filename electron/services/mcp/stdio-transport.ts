import { spawn, type ChildProcess } from 'node:child_process';
import type { ChildEnv } from '../process/child-env';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { stopGroup } from '../backends/process-group';

/**
 * The MCP stdio transport, Kiln's way: the SDK's own spawns with its idea of a "safe"
 * inherited environment and no process group. This one takes the whole environment from the
 * caller (the child-env builder plus the server's own variables), starts the server as the
 * leader of its own process group (so stopping it also stops whatever it spawned, e.g. `npx`
 * → node → the server), and tells its owner the pid so the reaper can find an orphan.
 */
export interface StdioServerOptions {
  /** The SDK's line codec (loaded with the SDK, see sdk.ts). */
  serialize: (message: JSONRPCMessage) => string;
  deserialize: (line: string) => JSONRPCMessage;
  command: string;
  args: string[];
  cwd?: string;
  env: ChildEnv;
  /** Called once the process runs (for the pid registry). */
  onSpawn?: (pid: number) => void;
  /** Called when the process ended, whoever stopped it. */
  onExit?: (pid: number, code: number | null, signal: NodeJS.Signals | null) => void;
  /** A line on stdout that is not a JSON-RPC message; `meant` when it looked like one (starts with `{`). */
  onBadLine?: (line: string, meant: boolean) => void;
}

/** The server's last few lines of stderr, to explain a crash. */
const STDERR_KEEP = 4000;
/** One JSON-RPC message may not be larger than this (a runaway server can't exhaust memory). */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export class KilnStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private child: ChildProcess | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private stderrTail = '';
  private closed = false;

  constructor(private readonly options: StdioServerOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  stderr(): string {
    return this.stderrTail.trim();
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: this.options.env,
        ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group: the server and its children stop together.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      this.child = child;
      // `on`, not `once`: a second 'error' (a failed kill, a broken pipe) with no listener would take the host down.
      child.on('error', (error: NodeJS.ErrnoException) => {
        const message =
          error.code === 'ENOENT'
            ? `The command "${this.options.command}" was not found. Check the command and that it is on the PATH Kiln passes (${this.options.env.PATH ?? ''}).`
            : `The command "${this.options.command}" could not start: ${error.message}`;
        reject(new Error(message));
        this.finish();
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (child.pid !== undefined) this.options.onExit?.(child.pid, code, signal);
        this.finish();
      });
      child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
    });
  }

  private read(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.pending.length > MAX_MESSAGE_BYTES) {
      this.pending = Buffer.alloc(0);
      this.options.onBadLine?.(`(one message larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB)`, true);
      return;
    }
    for (;;) {
      const end = this.pending.indexOf(10);
      if (end < 0) break;
      const line = this.pending.toString('utf8', 0, end).replace(/\r$/, '');
      this.pending = this.pending.subarray(end + 1);
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = this.options.deserialize(line);
      } catch {
        // Servers sometimes log to stdout; only a line that looks like a message means trouble.
        this.options.onBadLine?.(line.slice(0, 300), line.trimStart().startsWith('{'));
        continue;
      }
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed) {
        reject(new Error('The server is not running.'));
        return;
      }
      if (stdin.write(this.options.serialize(message))) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    const pid = this.child?.pid;
    if (pid !== undefined && !this.closed) {
      const child = this.child;
      const exited = child && child.exitCode === null && child.signalCode === null
        ? new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 2000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          })
        : Promise.resolve();
      child?.stdin?.end();
      await stopGroup(pid, 1500);
      // The exit handler updates the pid registry; let it run before the caller moves on.
      await exited;
    }
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = Buffer.alloc(0);
    this.onclose?.();
  }
}
