import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { PROBE_PATH } from '../publish/image-scripts';
import type { RestartPolicy } from '../../../shared/contract/deploy';

export const LABEL_ARTIFACT = 'kiln.artifact';
export const LABEL_DEPLOYMENT = 'kiln.deployment';
export const LABEL_TARGET = 'kiln.target';
export const LABEL_PORT = 'kiln.port';

export interface RunOptions {
  image: string;
  name: string;
  hostPort: number;
  bindAddress: string;
  restartPolicy: RestartPolicy;
  /** Datasource values: container environment at run time only. */
  env: Record<string, string>;
  labels: Record<string, string>;
}

/**
 * Creates and starts the container. Host networking: the launcher binds `bindAddress:hostPort`
 * with SO_REUSEPORT, so a redeploy's new container starts beside the old one on the same port.
 */
export async function runContainer(docker: Docker, o: RunOptions): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: o.image,
    name: o.name,
    Env: [`PORT=${o.hostPort}`, `KILN_BIND=${o.bindAddress}`, ...Object.entries(o.env).map(([k, v]) => `${k}=${v}`)],
    Labels: o.labels,
    HostConfig: {
      NetworkMode: 'host',
      RestartPolicy: o.restartPolicy === 'on-failure' ? { Name: 'on-failure', MaximumRetryCount: 5 } : { Name: o.restartPolicy },
    },
  });
  await container.start();
  return container;
}

/**
 * Runs the image's probe inside the container (/api/health, then /): works the same for a
 * remote engine whose ports Kiln can't reach. Detached and polled, because a hijacked exec
 * stream does not always end when the process does. True when it answers 2xx.
 */
export async function probe(container: Docker.Container, timeoutMs = 10_000): Promise<{ ok: boolean; output: string }> {
  const exec = await container.exec({ Cmd: ['python3', '-S', PROBE_PATH], AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running) return { ok: info.ExitCode === 0, output: info.ExitCode === 0 ? 'healthy' : 'not answering yet' };
    if (Date.now() > deadline) return { ok: false, output: 'the probe timed out' };
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface HealthResult {
  healthy: boolean;
  /** Why not: the container exited, or the probe kept failing. */
  reason: string;
  exitCode: number | null;
}

/** Polls the probe until it passes, the container exits, or the time is up. */
export async function waitHealthy(container: Docker.Container, options: { timeoutMs: number; intervalMs?: number; onAttempt?(line: string): void; signal?: AbortSignal }): Promise<HealthResult> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (let attempt = 1; ; attempt++) {
    const state = (await container.inspect()).State;
    if (!state.Running && !state.Restarting) {
      return { healthy: false, reason: `the container exited with code ${state.ExitCode}`, exitCode: state.ExitCode };
    }
    if (state.Running) {
      const r = await probe(container).catch((e: unknown) => ({ ok: false, output: e instanceof Error ? e.message : String(e) }));
      if (r.ok) return { healthy: true, reason: '', exitCode: null };
      last = r.output.trim().split('\n').pop() ?? '';
      options.onAttempt?.(`health check ${attempt}: ${last || 'no answer yet'}`);
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      return { healthy: false, reason: `the app did not answer /api/health or / within ${Math.round(options.timeoutMs / 1000)} s${last ? ` (last: ${last})` : ''}`, exitCode: null };
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}

/** The container's last log lines (stdout and stderr interleaved). */
export async function logTail(container: Docker.Container, lines = 60): Promise<string> {
  const buf = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  return demuxBuffer(buf);
}

/** Docker's multiplexed log frames (8-byte header each) as plain text. */
export function demuxBuffer(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2 || buf[i] === 0) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return i === 0 ? buf.toString('utf8') : out;
}

/** Follows the log; returns a function that stops following. */
export async function followLogs(container: Docker.Container, onText: (text: string) => void): Promise<() => void> {
  const stream = (await container.logs({ stdout: true, stderr: true, follow: true, tail: 0 })) as unknown as Readable;
  const out = new PassThrough();
  out.on('data', (d: Buffer) => onText(d.toString('utf8')));
  container.modem.demuxStream(stream, out, out);
  return () => {
    stream.destroy();
    out.destroy();
  };
}
