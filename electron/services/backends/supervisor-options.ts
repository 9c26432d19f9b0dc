import type { BackendStatus } from '../../../shared/contract/backends';
import type { DatasourceGrants } from '../grants/split';
import type { PythonService } from '../python/python-service';
import type { PythonSandbox } from '../sandbox/port';
import type { ArtifactsPort } from './artifacts-port';

export interface BackendLimits {
  readyTimeoutSec: number;
  maxRunning: number;
  idleStopMinutes: number;
}

/** The events the supervisor sends (the EventBus fits this). */
export interface BackendEvents {
  emit(name: 'backends.state', payload: BackendStatus): void;
  emit(name: 'backends.log', payload: { slug: string; lines: string[] }): void;
  emit(name: 'backends.progress', payload: { slug: string; phase: 'venv' | 'pip' | 'done'; lines: string[] }): void;
}

export interface SupervisorOptions {
  artifacts: ArtifactsPort;
  python: PythonService;
  events: BackendEvents;
  limits: () => BackendLimits;
  /** `DS_*` variables for the given datasource slugs (`<engine>-<name>`), from the vault. */
  envFor: (datasourceSlugs: string[]) => Promise<Record<string, string>> | Record<string, string>;
  scrub: (text: string) => string;
  /** `<ws>/.kiln/state`. */
  stateDir: () => string;
  /** Kiln's environment; a backend gets only what `childEnv` lets through, plus its declared `DS_*`. */
  hostEnv: NodeJS.ProcessEnv;
  /** The preview address of an artifact (the only URL the UI gets). */
  previewUrl?: (slug: string) => Promise<string>;
  /** Runs each backend in the OS sandbox (docs/security.md); absent = unsandboxed (tests). */
  sandbox?: PythonSandbox;
  /** Datasource consent: only granted datasources reach the backend (absent = all declared, tests). */
  grants?: DatasourceGrants;
  /** Non-fatal problems the user should see once (0.0.0.0 binding, idle stop). */
  notify?: (level: 'info' | 'warning', message: string) => void;
  /**
   * Whether a running backend gets a spare interpreter, started ahead so a live restart skips
   * Python's start (spare.ts): on while its live reload is on. Absent = never.
   */
  spares?: (slug: string) => Promise<boolean> | boolean;
  /** How long after a (re)start the spare starts (ms); tests shorten it. */
  spareDelayMs?: number;
  /** How often the idle timer looks (ms); tests shorten it. */
  idleCheckMs?: number;
  now?: () => number;
}
