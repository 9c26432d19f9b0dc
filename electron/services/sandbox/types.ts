/**
 * What a sandboxed child may touch, and what the sandbox turned its command into.
 * One request shape for every spawner (backend, pip, the agent's scratchpad), so the rule
 * "what a program written by the model may reach" lives in this folder only.
 */

import type { isolationModes } from '../../../shared/contract/settings';

/** Settings → Python & Backends → "Isolate apps". */
export type IsolationMode = (typeof isolationModes)[number];

export interface SandboxRequest {
  /** The program (an absolute interpreter path) and the environment `childEnv` built for it. */
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Folders the program may read and write: the artifact folder (its own data), the venv during pip. */
  writable: readonly string[];
  /** Folders it may only read: the venv, the interpreter's installation, local wheel folders. */
  readOnly: readonly string[];
  /** Files inside a writable folder that stay read-only (the artifact's bookkeeping). */
  readOnlyFiles?: readonly string[];
}

export type SandboxTool = 'bwrap' | 'sandbox-exec' | 'none';

/**
 * Spawn `file` with `[...args, ...yourArgs]` and `env` (always with `extendEnv: false`).
 * `isolated` says whether the OS confines it; when not, `note` says why, for the log.
 */
export interface SandboxedCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  isolated: boolean;
  tool: SandboxTool;
  note?: string;
}

/** Whether this machine can isolate apps, for the status panel, Diagnostics and first run. */
export interface SandboxAvailability {
  available: boolean;
  tool: SandboxTool;
  /** Why not, in a sentence, when not available. */
  problem?: string;
  /** How to make it available (e.g. `sudo apt install bubblewrap`), when not. */
  install?: string;
}
