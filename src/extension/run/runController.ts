/**
 * Runs scenarios, and traces programs, in a forked engine host (dist/engineHost.js), one run at a
 * time. Demos load the CPU on purpose; a separate process keeps the editor responsive and makes
 * "stop everything" one tree.
 * A fresh host per run: nothing survives a run, so nothing can leak between runs. The next run's
 * host is forked ahead (a spare, idle until used), so a run does not wait for Node to start.
 * No `vscode` here, so the unit tests drive it with a fake host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { HostRunRequest, HostTraceRequest, RunErrorKind, ToHost } from '../../shared/hostProtocol';
import { formatMessage, type RunProgress, type Translate } from '../../shared/progress';
import { DEFAULT_TIMEOUT_MS } from '../../shared/runDefaults';
import type { ScenarioId } from '../../shared/scenarios';
import type { Runtime, Trace } from '../../shared/trace';
import { learnerKind, readHostMessage } from './hostMessages';
import { killProcessTree } from '../../engine';

/** A run as the extension asks for it: the host request with the scenario and runtime already decided. */
export type RunSpec = Omit<HostRunRequest, 'type' | 'id' | 'scenario' | 'runtime'> & { scenario: ScenarioId; runtime: Runtime };

/** A program traced as it is (Trace This Program): the host's `trace` request, runtime decided. */
export type TraceSpec = Omit<HostTraceRequest, 'type' | 'id' | 'runtime'> & { runtime: Runtime };

/** Whether a spec traces a program (else it runs a scenario). */
export const isTraceSpec = (spec: RunSpec | TraceSpec): spec is TraceSpec => 'file' in spec;

/** How a run ended, as the host (or the controller on its behalf) reported it. */
export type RunEnding =
  | { ok: true; trace: Trace }
  | { ok: false; kind: RunErrorKind; message: string; output?: string; trace?: Trace };

export type RunOutcome = RunEnding & { durationMs: number };

export interface RunLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ActiveRun {
  readonly id: number;
  readonly spec: RunSpec | TraceSpec;
  readonly done: Promise<RunOutcome>;
}

/** How long a host may take to stop after `cancel` (or after its result) before its tree is killed. */
export const STOP_GRACE_MS = 2000;
/** How long a host being shut down with the extension may take to stop its runs before it is killed
 *  (VS Code allows deactivation a few seconds). */
const SHUTDOWN_GRACE_MS = 1000;
/** Extra time beyond the engine's own timeout before the extension stops waiting for the host. */
const WATCHDOG_SLACK_MS = 10_000;
const OUTPUT_TAIL = 64 * 1024;
/** How long after a run ends the next spare host is forked: after the result has been drawn. */
const SPARE_DELAY_MS = 300;

/** A forked engine host and the tail of what it printed. */
interface EngineHost {
  child: ChildProcess;
  output(): string;
}

/** Whether a host is alive and can still be sent a request. */
const usable = (child: ChildProcess): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null && child.connected;

/** Whether the host (its process, IPC channel and output pipes) keeps this process's event loop alive. */
function holdOpen(child: ChildProcess, hold: boolean): void {
  const handles = [child, child.channel, child.stdout as Socket | null, child.stderr as Socket | null];
  for (const h of handles) {
    if (hold) h?.ref();
    else h?.unref();
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    child.kill(sig);
  } catch {
    // Already gone.
  }
}

export class RunController {
  private nextId = 0;
  private active: { run: ActiveRun; child: ChildProcess; cancel(): void; kill(): void } | undefined;
  /** Hosts that answered but have not exited yet: still ours to kill on dispose. */
  private readonly lingering = new Set<ChildProcess>();
  /** A host forked ahead of the next run, idle until a run takes it. */
  private spare: EngineHost | undefined;
  private spareTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly hostPath: string,
    private readonly log: RunLogger,
    /** Localizes the controller's own messages (the extension passes `vscode.l10n.t`). */
    private readonly t: Translate = formatMessage,
  ) {}

  get current(): ActiveRun | undefined {
    return this.active?.run;
  }

  /** Starts a run. Throws if one is already going: callers ask the learner first (see RunSession). */
  start(spec: RunSpec | TraceSpec, onProgress: (progress: RunProgress) => void): ActiveRun {
    if (this.active) throw new Error('a run is already in progress');
    const id = ++this.nextId;
    const host = this.takeHost();
    const tracked = this.track(id, spec, host, onProgress);
    this.active = { run: tracked.run, child: host.child, cancel: tracked.cancel, kill: tracked.kill };
    this.send(host.child, isTraceSpec(spec) ? { type: 'trace', id, ...spec } : { type: 'run', id, ...spec });
    return tracked.run;
  }

  /**
   * Forks a host for the next run, so the run starts on a loaded one (Node start-up and the engine's
   * bundle cost ~100 ms). Not while a run is going: its end forks the replacement, and the fork
   * would take CPU from the programs being measured.
   */
  prewarm(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    if (this.disposed || this.active || (this.spare && usable(this.spare.child))) return;
    this.dropSpare();
    let spare: EngineHost;
    try {
      spare = this.spawnHost();
    } catch (err) {
      this.log.warn(`could not start a spare engine host: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // An idle spare must not keep the extension host's event loop alive; a run takes it back.
    holdOpen(spare.child, false);
    const forget = () => {
      if (this.spare === spare) this.spare = undefined;
    };
    spare.child.once('exit', forget);
    spare.child.once('error', forget);
    this.spare = spare;
  }

  /** Asks the current run to stop; its tree is killed if it has not stopped within STOP_GRACE_MS. */
  cancel(): void {
    this.active?.cancel();
  }

  /** Stops the current run now, without waiting for the host (the panel that showed it closed), and
   *  the spare with it: nothing is about to run, and an idle host is ~40 MB. The next run forks anew. */
  stop(): void {
    this.active?.kill();
    this.releaseSpare();
  }

  /** Stops the spare and any planned one: nothing is about to run. */
  releaseSpare(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    this.dropSpare();
  }

  /** Stops every host this controller started, the spare too (extension deactivated or disposed):
   *  each gets SHUTDOWN_GRACE_MS to stop its runs itself, then its tree is killed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.spareTimer);
    this.active?.kill();
    const spare = this.spare?.child;
    this.spare = undefined;
    // Signalled now, synchronously: dispose also runs from process.on('exit'), where awaits never resume.
    if (spare) signal(spare, 'SIGTERM');
    const children = [...this.lingering, ...(spare ? [spare] : [])];
    this.lingering.clear();
    await Promise.all(children.map((c) => this.stopHost(c)));
  }

  /** Forks an engine host. Protected so tests can make it fail. */
  protected spawnHost(): EngineHost {
    const child = fork(this.hostPath, [], {
      execArgv: [],
      // A group leader on POSIX, so killing the group reaches every process the engine started.
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Inside VS Code `process.execPath` is the editor binary: make it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let output = '';
    const keepOutput = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL));
    child.stdout?.on('data', keepOutput);
    child.stderr?.on('data', keepOutput);
    return { child, output: () => output };
  }

  /** The spare if it is still alive, else a new host. Each host serves one run: nothing survives a run. */
  private takeHost(): EngineHost {
    const spare = this.spare;
    if (spare && usable(spare.child)) {
      this.spare = undefined;
      holdOpen(spare.child, true);
      return spare;
    }
    this.dropSpare();
    return this.spawnHost();
  }

  /** Forgets an unusable spare; one still running but cut off is stopped. An exited one is left
   *  alone: its pid may be another process's by now. */
  private dropSpare(): void {
    const child = this.spare?.child;
    this.spare = undefined;
    if (child && child.exitCode === null && child.signalCode === null) void killProcessTree(child.pid);
  }

  /** Follows run `id` on `host`: its messages, its exit, the watchdog, cancel and kill. */
  private track(id: number, spec: RunSpec | TraceSpec, host: EngineHost, onProgress: (progress: RunProgress) => void) {
    const { child } = host;
    const t = this.t;
    const started = Date.now();
    const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let settle!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
    const state = { settled: false, stopRequested: false, stopTimer: undefined as NodeJS.Timeout | undefined, watchdog: undefined as NodeJS.Timeout | undefined };
    const finish = (outcome: RunEnding) => {
      if (state.settled) return;
      state.settled = true;
      clearTimeout(state.watchdog);
      clearTimeout(state.stopTimer);
      if (this.active?.run.id === id) this.active = undefined;
      this.retire(child);
      this.replaceSpare();
      settle({ ...outcome, durationMs: Date.now() - started });
    };
    const fail = (kind: RunErrorKind, message: string, output?: string) => finish({ ok: false, kind, message, output });
    const armWatchdog = () => {
      clearTimeout(state.watchdog);
      state.watchdog = setTimeout(() => {
        void killProcessTree(child.pid);
        fail('timeout', t('The run did not answer within {0} s and was stopped.', Math.round(timeoutMs / 1000)), host.output());
      }, timeoutMs + WATCHDOG_SLACK_MS);
    };
    child.on('message', (raw: unknown) =>
      this.receive(id, raw, finish, (progress) => {
        // The engine's timeout is per program run: each variant (and repeat) that starts gets its own.
        armWatchdog();
        onProgress(progress);
      }),
    );
    child.on('error', (err) => fail('crashed', t('The engine host could not start: {0}', err.message), host.output()));
    child.on('exit', (code, sig) =>
      state.stopRequested
        ? fail('cancelled', t('The run was cancelled.'))
        : fail('crashed', t('The engine host stopped before the run finished ({0}).', sig ?? `exit code ${code}`), host.output()),
    );
    armWatchdog();
    const cancel = () => {
      if (state.settled || state.stopTimer) return;
      state.stopRequested = true;
      this.send(child, { type: 'cancel', id });
      state.stopTimer = setTimeout(() => {
        this.log.warn(`run ${id}: the engine host did not stop within ${STOP_GRACE_MS} ms; killing its process tree`);
        void killProcessTree(child.pid);
        fail('cancelled', t('The run was cancelled.'));
      }, STOP_GRACE_MS);
    };
    const kill = () => {
      state.stopRequested = true;
      // SIGTERM first: the host's shutdown stops every process of its runs, even those that left
      // the tree (it finds them by the run's marker); retire() kills the tree if it lingers.
      signal(child, 'SIGTERM');
      fail('cancelled', t('The run was stopped because the panel closed or the extension stopped.'));
    };
    return { run: { id, spec, done } satisfies ActiveRun, cancel, kill };
  }

  private receive(id: number, raw: unknown, finish: (outcome: RunEnding) => void, onProgress: (progress: RunProgress) => void): void {
    const msg = readHostMessage(raw);
    if (!msg || msg.id !== id) {
      this.log.warn(`engine host sent an unexpected message: ${JSON.stringify(raw)?.slice(0, 300)}`);
      return;
    }
    if (msg.type === 'progress') onProgress(msg.progress);
    else if (msg.type === 'result') finish({ ok: true, trace: msg.trace });
    else finish({ ok: false, kind: learnerKind(msg.kind), message: msg.message, output: msg.output, trace: msg.trace });
  }

  /** After a run, a new spare once the result is on its way (its fork would compete with the chart's paint). */
  private replaceSpare(): void {
    if (this.disposed) return;
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(() => this.prewarm(), SPARE_DELAY_MS);
    this.spareTimer.unref();
  }

  private async stopHost(child: ChildProcess): Promise<void> {
    const running = () => child.exitCode === null && child.signalCode === null;
    if (!running()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (running()) await killProcessTree(child.pid);
  }

  private send(child: ChildProcess, msg: ToHost): void {
    if (!child.connected) return;
    child.send(msg, (err) => {
      if (err) this.log.warn(`could not send "${msg.type}" to the engine host: ${err.message}`);
    });
  }

  /** A host whose run is over gets a polite disconnect, then its tree is killed if it lingers. */
  private retire(child: ChildProcess): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.lingering.add(child);
    const timer = setTimeout(() => void killProcessTree(child.pid), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      this.lingering.delete(child);
    });
    if (child.connected) child.disconnect();
  }
}
