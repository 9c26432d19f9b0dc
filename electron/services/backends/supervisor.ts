import { KeyedQueue } from '../concurrency/keyed-queue';
import type { ResultPromise } from 'execa';
import getPort from 'get-port';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFullstackType } from '../../../shared/artifacts/rules';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import type { BackendState, BackendStatus } from '../../../shared/contract/backends';
import { addrInUse, PORT_RETRIES, runStatus, servingPort, TAIL_LINES, type Run } from './run';
import type { SupervisorOptions } from './supervisor-options';
import { grantedDatasources } from '../grants/split';
import { backendLogPath, LogSink, readLogTail } from './log-sink';
import { PidRegistry } from './pid-registry';
import { reapAndClear } from './orphan-reaper';
import { stopGroup, signalGroup } from './process-group';
import { reachableFromNetwork } from './readiness';
import { waitUntilReady } from './ready-wait';
import { allInOrder } from './in-order';
import { prepareLaunch } from './prepare-launch';
import { SPARE_DELAY_MS, spareKey, Spares, venvStamp, type Spare } from './spare';
import { backendCommand, spawnBackend, type Launch, type Spawning, type Started } from './spawn-backend';
import type { SandboxedCommand } from '../sandbox/types';

/**
 * Runs each fullstack artifact's `backend.py` as a supervised process: venv + install,
 * free port, readiness probe, logs, crash detection, stop of the whole process group,
 * a pid registry for reaping after a Kiln crash, a cap on running backends and an idle stop.
 */
export class BackendSupervisor {
  private readonly runs = new Map<string, Run>();
  /** One operation per artifact at a time; a second launch waits for the first. */
  private readonly queue = new KeyedQueue();
  private readonly registry: PidRegistry;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  /** The start-up reaper; a launch waits for it so an orphan and its successor never overlap. */
  private reaping: Promise<unknown> = Promise.resolve();
  /** At most one spare interpreter per artifact (spare.ts). */
  private readonly spares: Spares;
  private readonly spawning: Spawning;

  constructor(private readonly o: SupervisorOptions) {
    this.registry = new PidRegistry(o.stateDir);
    this.now = o.now ?? Date.now;
    this.spawning = { registry: this.registry, ...(o.sandbox ? { sandbox: o.sandbox } : {}), venvDir: (slug) => o.python.venvDir(slug) };
    this.spares = new Spares({
      serial: (slug, fn) => this.queue.run(slug, fn),
      gone: (spare) => void this.registry.remove(spare.slug, spare.pid),
      delayMs: o.spareDelayMs ?? SPARE_DELAY_MS,
    });
  }

  /** The idle check runs only while Kiln has launched something (started on the first launch, not at construction). */
  private watchIdle(): void {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(() => void this.stopIdle(), this.o.idleCheckMs ?? 30_000);
    this.idleTimer.unref();
  }

  /** At start: stop backends a crashed Kiln left running, and clear their recorded ports. */
  async reapOrphans(): Promise<string[]> {
    const run = reapAndClear(this.registry, this.o.stateDir, (slug) => this.o.artifacts.update(slug, { port: null }));
    this.reaping = run.catch(() => undefined);
    return run;
  }

  /** The loopback port the preview forwards to, or null when the backend is not serving. */
  portFor(slug: string): number | null {
    return servingPort(this.runs.get(slug));
  }

  /** Preview traffic keeps a backend from being stopped as idle. */
  touch(slug: string): void {
    const r = this.runs.get(slug);
    if (r) r.lastTraffic = this.now();
  }

  status(slug: string): BackendStatus {
    return runStatus(slug, this.runs.get(slug));
  }

  /** The pid of this artifact's warm spare (spare.ts), or null: for Diagnostics and tests. */
  warmSparePid(slug: string): number | null {
    return this.spares.warmPid(slug);
  }

  list(): BackendStatus[] {
    return [...this.runs.keys()].map((s) => this.status(s)).filter((s) => s.state !== 'stopped');
  }

  async logs(slug: string, opts: { tail: number }): Promise<string[]> {
    const r = this.runs.get(slug);
    if (r?.log) return r.log.tail(opts.tail);
    const lines = await readLogTail(backendLogPath(await this.o.artifacts.dir(slug)), opts.tail);
    return lines.map((l) => this.o.scrub(l));
  }

  launch(slug: string): Promise<BackendStatus> {
    return this.queue.run(slug, () => this.doLaunch(slug));
  }

  stop(slug: string): Promise<BackendStatus> {
    return this.queue.run(slug, async () => {
      await this.doStop(slug);
      return this.status(slug);
    });
  }

  restart(slug: string): Promise<BackendStatus> {
    return this.queue.run(slug, () => this.doLaunch(slug));
  }

  /**
   * After its code changed: restarts a *running* backend without a gap — the old process serves
   * (same preview origin) until the new one answers, then the proxy switches to it. A new
   * version that fails to start leaves the old one serving, with `reload.phase = 'failed'`.
   * Does nothing for a backend that is not running. Never throws for a failed start.
   */
  liveRestart(slug: string): Promise<BackendStatus> {
    return this.queue.run(slug, () => this.doLaunch(slug, true));
  }

  /**
   * A datasource declared while the backend runs (the pane's Declare, the agent, anton, an
   * editor) is not given to it: the pane says it waits for approval, as a launch would.
   */
  async refreshGrants(slug: string): Promise<void> {
    const run = this.runs.get(slug);
    if (!run || run.state !== 'running') return;
    // `read`, not `open`: every record change lands here (the live swap's port write too), and a folder scan then competes with the reloading frame.
    const { pending } = await grantedDatasources(this.o.grants, await this.o.artifacts.read(slug));
    if ((run.pendingGrants ?? []).join(',') === pending.join(',')) return;
    run.pendingGrants = pending;
    if (pending.length > 0) run.log?.note(`Waiting for your approval, not given to the backend: ${pending.join(', ')}.`);
    this.emitState(slug);
  }

  async stopAll(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    await Promise.all([...this.runs.keys()].map((s) => this.doStop(s)));
    await this.spares.dropAll();
  }

  private emitState(slug: string): void {
    this.o.events.emit('backends.state', this.status(slug));
  }

  private setState(run: Run, state: BackendState, extra: Partial<Run> = {}): void {
    Object.assign(run, extra);
    run.state = state;
    this.emitState(run.slug);
  }

  private async doLaunch(slug: string, live = false): Promise<BackendStatus> {
    await this.reaping;
    // Side by side (each live restart waits for them), errors reported in this order (in-order.ts).
    // `read`: no files[] scan, ~10 ms off every (live) restart.
    const [dir, record, backendPy] = await allInOrder([this.o.artifacts.dir(slug), this.o.artifacts.read(slug), this.o.artifacts.files.find(slug, 'backend.py')] as const);
    if (!isFullstackType(record.type)) {
      throw new KilnError('UNSUPPORTED', `"${slug}" is a ${record.type || 'static'} artifact; only fullstack apps have a backend to launch.`);
    }
    if (!backendPy) {
      throw new KilnError('NOT_FOUND', `"${slug}" has no backend.py. Ask the agent to create it, then launch again.`);
    }
    const old = this.runs.get(slug);
    const oldServing = old && old.state === 'running' && old.child ? old : null;
    if (live && !oldServing) return this.status(slug);
    const limits = this.o.limits();
    const others = [...this.runs.values()].filter((r) => r.slug !== slug && r.child && !r.stopping).length;
    if (!oldServing && others >= limits.maxRunning) {
      throw new KilnError('CONFLICT', `${others} backends are already running, the limit set in Settings → Python & Backends. Stop one, or raise the limit, then launch again.`);
    }

    // A crashed run is reused (with its open log) rather than replaced.
    const run: Run = old ?? { slug, state: 'stopped', child: null, lastTraffic: this.now(), stopping: false, exited: null, log: null };
    if (!old) this.runs.set(slug, run);
    this.watchIdle();
    if (!run.log) {
      run.log = new LogSink(backendLogPath(dir), this.o.scrub, (lines) => this.o.events.emit('backends.log', { slug, lines }));
      await run.log.open();
    }
    const log = run.log;
    // While a replacement installs, the old process keeps serving (state says installing;
    // a live restart keeps "running" and says `reload: restarting`).
    if (live) this.setState(run, 'running', { reload: { phase: 'restarting' } });
    else this.setState(run, 'installing', { error: undefined, logTail: undefined, reload: undefined });
    const progress = (phase: 'venv' | 'pip', line: string): void => {
      log.note(line);
      this.o.events.emit('backends.progress', { slug, phase, lines: [this.o.scrub(line)] });
    };
    const { granted: declared, pending } = await grantedDatasources(this.o.grants, record);
    run.pendingGrants = pending;
    if (pending.length > 0) log.note(`Waiting for your approval, not given to the backend: ${pending.join(', ')}.`);
    let launch: Launch;
    try {
      launch = await prepareLaunch(this.o, slug, dir, declared, { progress, installed: () => this.o.events.emit('backends.progress', { slug, phase: 'done', lines: [] }) });
    } catch (e) {
      return this.prepareFailed(run, e, live, Boolean(oldServing));
    }

    const readyTimeoutMs = limits.readyTimeoutSec * 1000;
    if (live) return this.swapLive(run, launch, readyTimeoutMs);
    await this.spares.drop(slug);
    if (oldServing) {
      log.note('Replacing the running backend with the new version.');
      await this.kill(run);
    }
    return this.startFresh(run, launch, readyTimeoutMs);
  }

  /**
   * The venv, install or environment failed. A live restart keeps the old version serving and
   * says why (never throws); a launch over a running version keeps it too; otherwise "crashed".
   */
  private prepareFailed(run: Run, e: unknown, live: boolean, oldServing: boolean): BackendStatus {
    const log = run.log!;
    const err = isKilnError(e) ? e : new KilnError('INTERNAL', 'Preparing the Python environment failed.');
    log.note(err.message);
    if (err.details) log.note(err.details);
    log.flush();
    const tail = this.o.scrub(err.details ?? log.tail(TAIL_LINES).join('\n'));
    if (live) {
      this.setState(run, 'running', { reload: { phase: 'failed', error: `The new version failed to start: ${this.o.scrub(err.message)}`, logTail: tail } });
      return this.status(run.slug);
    }
    if (oldServing) {
      this.setState(run, 'running', { error: `Update not applied: ${err.message} The previous version keeps running.`, logTail: tail });
    } else {
      this.setState(run, 'crashed', { error: err.message, logTail: tail });
    }
    throw new KilnError(err.code, this.o.scrub(err.message), tail, err.reason);
  }

  /** A cold start on a free port (another one if that port was taken meanwhile), then "running". */
  private async startFresh(run: Run, launch: Launch, readyTimeoutMs: number): Promise<BackendStatus> {
    const { slug } = run;
    const log = run.log!;
    for (let attempt = 1; ; attempt++) {
      this.setState(run, 'starting', { error: undefined, logTail: undefined, warning: undefined });
      const port = await getPort({ host: '127.0.0.1' });
      const outcome = await this.spawnAndWait(run, launch, port, readyTimeoutMs);
      if (outcome.ok) break;
      log.flush();
      const recent = log.tail(TAIL_LINES);
      if (outcome.exited && addrInUse(recent.slice(-10)) && attempt < PORT_RETRIES) {
        log.note(`Port ${port} was taken before the backend could bind it; trying another.`);
        continue;
      }
      const tail = recent.join('\n');
      this.setState(run, 'crashed', { error: outcome.message, logTail: tail, port: undefined, pid: undefined, child: null });
      throw new KilnError(outcome.exited ? 'EXTERNAL' : 'TIMEOUT', outcome.message, tail);
    }

    run.lastTraffic = this.now();
    run.startedAt = new Date().toISOString();
    run.url = this.o.previewUrl ? await this.o.previewUrl(slug).catch(() => undefined) : undefined;
    await this.o.artifacts.update(slug, { port: run.port ?? null }).catch(() => undefined);
    this.setState(run, 'running');
    // Checked after "running" so the exposure check never delays a launch.
    void this.checkExposure(run, run.child);
    this.offerSpare(run, launch);
    return this.status(slug);
  }

  /**
   * Blue/green on one preview origin: the new process starts on a fresh port as a separate
   * run while `old` keeps serving; once it answers, it replaces `old` in the map (the proxy
   * reads the port from there) and `old` is stopped.
   */
  private async swapLive(old: Run, launch: Launch, readyTimeoutMs: number): Promise<BackendStatus> {
    const next: Run = { ...old, state: 'starting', child: null, pid: undefined, port: undefined, exited: null, stopping: false, warning: undefined };
    const log = old.log!;
    log.note('Starting the new version; the running one serves until it is ready.');
    // The command a cold start would run: a spare stands in only for exactly that.
    const [cmd, venv] = await Promise.all([backendCommand(this.spawning, old.slug, launch), venvStamp(this.o.python.venvDir(old.slug))]);
    let spare = await this.spares.take(old.slug, spareKey(cmd, launch.requirements, venv));
    for (let attempt = 1; ; attempt++) {
      const port = spare?.port ?? (await getPort({ host: '127.0.0.1' }));
      const outcome = await this.spawnAndWait(next, launch, port, readyTimeoutMs, spare ? { spare } : { cmd });
      spare = null;
      if (outcome.ok) break;
      log.flush();
      const recent = log.tail(TAIL_LINES);
      if (outcome.exited && addrInUse(recent.slice(-10)) && attempt < PORT_RETRIES) continue;
      log.note('The new version did not start; the previous one keeps serving.');
      this.setState(old, 'running', { reload: { phase: 'failed', error: `The new version failed to start. ${outcome.message}`, logTail: recent.join('\n') } });
      this.offerSpare(old, launch); // for the edit that fixes it
      return this.status(old.slug);
    }
    Object.assign(next, { state: 'running', reload: undefined, error: undefined, logTail: undefined, startedAt: new Date().toISOString(), lastTraffic: this.now() });
    this.runs.set(old.slug, next);
    old.state = 'stopped';
    this.emitState(old.slug); // the pane reloads the frame on this event: before any disk write
    await this.o.artifacts.update(old.slug, { port: next.port ?? null }).catch(() => undefined);
    void this.checkExposure(next, next.child);
    await this.kill(old);
    this.offerSpare(next, launch);
    return this.status(old.slug);
  }

  /** Warns (status + notice) when the backend also answers on a non-loopback address. */
  private async checkExposure(run: Run, child: ResultPromise | null): Promise<void> {
    const port = run.port;
    if (port === undefined || !(await reachableFromNetwork(port))) return;
    if (run.child !== child || run.state !== 'running') return;
    run.warning = `The backend of "${run.slug}" listens on all network interfaces (0.0.0.0), so other machines can reach it. Make backend.py bind 127.0.0.1.`;
    run.log?.note(run.warning);
    this.o.notify?.('warning', run.warning);
    this.emitState(run.slug);
  }

  private async spawnAndWait(
    run: Run,
    launch: Launch,
    port: number,
    readyTimeoutMs: number,
    how: { spare: Spare } | { cmd?: SandboxedCommand } = {},
  ): Promise<{ ok: true } | { ok: false; exited: boolean; message: string }> {
    const log = run.log!;
    let started: Started | null;
    if ('spare' in how) {
      log.note(`$ python backend.py --port ${port} (in the interpreter started ahead)`);
      started = how.spare;
    } else {
      log.note(`$ python backend.py --port ${port}`);
      started = await spawnBackend(this.spawning, run.slug, launch, port, how.cmd ? { cmd: how.cmd } : {});
    }
    if (!started) return { ok: false, exited: true, message: `Kiln could not start ${launch.python}. Check the Python settings.` };
    const { child, cmd } = started;
    if (cmd.note) log.note(cmd.note);
    if (!cmd.isolated && cmd.note) run.warning = cmd.note; // the pane says "apps are not isolated"
    child.stdout?.on('data', (c: Buffer) => log.write('out', c));
    child.stderr?.on('data', (c: Buffer) => log.write('err', c));
    let exitCode: number | null | undefined;
    const exited = child.then((r) => {
      exitCode = r.exitCode ?? null;
      return exitCode;
    }, () => (exitCode = null));
    const pid = child.pid!;
    run.child = child;
    run.pid = pid;
    run.port = port;
    run.stopping = false;
    run.exited = exited;
    void exited.then((code) => this.onExit(run, child, pid, code));

    // A tight connect loop, woken by the child's first output (ready-wait.ts).
    const ready = await waitUntilReady({ port, timeoutMs: readyTimeoutMs, exited: () => exitCode !== undefined, exit: exited, output: [child.stdout, child.stderr] });
    if (ready === 'exited') {
      return { ok: false, exited: true, message: `The backend of "${run.slug}" exited with code ${String(exitCode)} before it was ready. See the log below, fix backend.py, and restart.` };
    }
    if (ready === 'ready') return { ok: true };
    log.note(`Not ready after ${readyTimeoutMs / 1000} s; stopping it.`);
    await this.kill(run);
    return { ok: false, exited: false, message: `The backend of "${run.slug}" did not answer on its port within ${readyTimeoutMs / 1000} s and was stopped. Make sure it serves on the --port it is given, or raise the ready timeout in Settings.` };
  }

  /** After a (re)start: a spare for the next live restart, a moment later (when wanted). */
  private offerSpare(run: Run, launch: Launch): void {
    // Linux only: macOS's sandbox command differs on every call (a fresh temp folder), so the
    // key would never match; on Windows fd 3 reaching the child is untested.
    if (!this.o.spares || process.platform !== 'linux') return;
    const slug = run.slug;
    this.spares.offer(slug, async () => {
      if (this.runs.get(slug) !== run || run.state !== 'running' || !(await this.o.spares?.(slug))) return null;
      const [port, cmd, venv] = await Promise.all([getPort({ host: '127.0.0.1' }), backendCommand(this.spawning, slug, launch), venvStamp(this.o.python.venvDir(slug))]);
      const started = await spawnBackend(this.spawning, slug, launch, port, { cmd, spare: true });
      if (!started) return null;
      return { slug, key: spareKey(cmd, launch.requirements, venv), port, pid: started.child.pid!, child: started.child, cmd, warm: false };
    });
  }

  /** Live reload turned off (or the backend went away): its spare is no longer wanted. */
  dropSpare(slug: string): Promise<void> {
    return this.spares.drop(slug);
  }

  /** Called for every exit of a backend process, expected or not. */
  private onExit(run: Run, child: ResultPromise, pid: number, code: number | null): void {
    void this.registry.remove(run.slug, pid);
    if (run.child !== child) return; // an older process of a replaced run
    // Whatever it left behind in its group goes too.
    signalGroup(pid, 'SIGKILL');
    run.child = null;
    run.exited = null;
    if (run.stopping || run.state !== 'running') return;
    void this.spares.drop(run.slug); // the next start is a plain launch
    run.log?.note(`Backend exited unexpectedly with code ${String(code)}.`);
    run.log?.flush();
    void this.o.artifacts.update(run.slug, { port: null }).catch(() => undefined);
    this.setState(run, 'crashed', {
      error: `The backend of "${run.slug}" stopped unexpectedly (exit code ${String(code)}). See the log, then restart it.`,
      logTail: (run.log?.tail(TAIL_LINES) ?? []).join('\n'),
      port: undefined,
      pid: undefined,
    });
  }

  /** Stops the process group of a run and waits until it is gone. */
  private async kill(run: Run): Promise<void> {
    const child = run.child;
    const pid = run.pid;
    if (!child || pid === undefined) return;
    run.stopping = true;
    await stopGroup(pid, 3000);
    await Promise.race([run.exited, sleep(2000)]);
    await this.registry.remove(run.slug, pid);
    if (run.child === child) run.child = null;
    run.stopping = false;
  }

  private async doStop(slug: string): Promise<void> {
    await this.spares.drop(slug);
    const run = this.runs.get(slug);
    if (!run) {
      this.emitState(slug);
      return;
    }
    const hadProcess = !!run.child;
    if (hadProcess) run.log?.note('Stopping the backend.');
    run.stopping = true;
    await this.kill(run);
    if (hadProcess) await this.o.artifacts.update(slug, { port: null }).catch(() => undefined);
    await run.log?.close();
    run.log = null;
    this.runs.delete(slug);
    this.emitState(slug);
  }

  private async stopIdle(): Promise<void> {
    const minutes = this.o.limits().idleStopMinutes;
    if (minutes <= 0) return;
    const cutoff = this.now() - minutes * 60_000;
    for (const run of [...this.runs.values()]) {
      if (run.state === 'running' && run.child && run.lastTraffic < cutoff) {
        await this.stop(run.slug).catch(() => undefined);
        this.o.notify?.('info', `Stopped the backend of "${run.slug}" after ${minutes} minutes without use. Opening it again starts it.`);
      }
    }
  }
}
