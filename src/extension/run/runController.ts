/**
 * Runs scenarios, and traces programs, in a forked engine host (dist/engineHost.js), one run at a
 * time. Demos load the CPU on purpose; a separate process keeps the editor responsive and makes
 * "stop everything" one tree.
 * A fresh host per run: nothing survives a run, so nothing can leak between runs.
 * No `vscode` here, so the unit tests drive it with a fake host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { HostRunRequest, HostTraceRequest, RunErrorKind, ToHost } from '../../shared/hostProtocol';
import type { ScenarioId } from '../../shared/scenarios';
import type { Runtime, Trace } from '../../shared/trace';
import { learnerKind, readHostMessage } from './hostMessages';
import { killProcessTree } from './processTree';
import type { Translate } from './runHints';

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

/** Fills `{0}`, `{1}` … like `vscode.l10n.t` does, for use without an editor (tests). */
export function formatEnglish(message: string, ...args: (string | number)[]): string {
  return message.replace(/\{(\d+)\}/g, (whole, n: string) => (args[Number(n)] === undefined ? whole : String(args[Number(n)])));
}

export class RunController {
  private nextId = 0;
  private active: { run: ActiveRun; child: ChildProcess; cancel(): void; kill(): void } | undefined;
  /** Hosts that answered but have not exited yet: still ours to kill on dispose. */
  private readonly lingering = new Set<ChildProcess>();

  constructor(
    private readonly hostPath: string,
    private readonly log: RunLogger,
    /** Localizes the controller's own messages (the extension passes `vscode.l10n.t`). */
    private readonly t: Translate = formatEnglish,
  ) {}

  get current(): ActiveRun | undefined {
    return this.active?.run;
  }

  /** Starts a run. Throws if one is already going: callers ask the learner first (see RunSession). */
  start(spec: RunSpec | TraceSpec, onProgress: (message: string) => void): ActiveRun {
    if (this.active) throw new Error('a run is already in progress');
    const id = ++this.nextId;
    const started = Date.now();
    const child = fork(this.hostPath, [], {
      execArgv: [],
      // A group leader on POSIX, so killing the group reaches every process the engine started.
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Inside VS Code `process.execPath` is the editor binary: make it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let hostOutput = '';
    const keepOutput = (chunk: Buffer) => (hostOutput = (hostOutput + chunk.toString()).slice(-OUTPUT_TAIL));
    child.stdout?.on('data', keepOutput);
    child.stderr?.on('data', keepOutput);

    let settle!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
    let settled = false;
    let stopTimer: NodeJS.Timeout | undefined;
    /** Set once the extension asked the run to stop: an exit after that is a cancel, not a crash. */
    let stopRequested = false;
    const finish = (outcome: RunEnding) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      clearTimeout(stopTimer);
      if (this.active?.run.id === id) this.active = undefined;
      this.retire(child);
      settle({ ...outcome, durationMs: Date.now() - started });
    };
    const fail = (kind: RunErrorKind, message: string, output?: string) => finish({ ok: false, kind, message, output });

    child.on('message', (raw: unknown) => {
      const msg = readHostMessage(raw);
      if (!msg || msg.id !== id) {
        this.log.warn(`engine host sent an unexpected message: ${JSON.stringify(raw)?.slice(0, 300)}`);
        return;
      }
      if (msg.type === 'progress') {
        // The engine's timeout is per program run: each variant (and repeat) that starts gets its own.
        armWatchdog();
        onProgress(msg.message);
      }
      else if (msg.type === 'result') finish({ ok: true, trace: msg.trace });
      else finish({ ok: false, kind: learnerKind(msg.kind), message: msg.message, output: msg.output, trace: msg.trace });
    });
    const t = this.t;
    child.on('error', (err) => fail('crashed', t('The engine host could not start: {0}', err.message), hostOutput));
    child.on('exit', (code, signal) =>
      stopRequested
        ? fail('cancelled', t('The run was cancelled.'))
        : fail('crashed', t('The engine host stopped before the run finished ({0}).', signal ?? `exit code ${code}`), hostOutput),
    );

    const timeoutMs = spec.timeoutMs ?? 60_000;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    function armWatchdog(): void {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        void killProcessTree(child.pid);
        fail('timeout', t('The run did not answer within {0} s and was stopped.', Math.round(timeoutMs / 1000)), hostOutput);
      }, timeoutMs + WATCHDOG_SLACK_MS);
    }
    armWatchdog();

    const cancel = () => {
      if (settled || stopTimer) return;
      stopRequested = true;
      this.send(child, { type: 'cancel', id });
      stopTimer = setTimeout(() => {
        this.log.warn(`run ${id}: the engine host did not stop within ${STOP_GRACE_MS} ms; killing its process tree`);
        void killProcessTree(child.pid);
        fail('cancelled', t('The run was cancelled.'));
      }, STOP_GRACE_MS);
    };

    const kill = () => {
      stopRequested = true;
      // SIGTERM first: the host's shutdown stops every process of its runs, even those that left
      // the tree (it finds them by the run's marker); retire() kills the tree if it lingers.
      try {
        child.kill('SIGTERM');
      } catch {
        // Already gone.
      }
      fail('cancelled', t('The run was stopped because the panel closed or the extension stopped.'));
    };

    const run: ActiveRun = { id, spec, done };
    this.active = { run, child, cancel, kill };
    this.send(child, isTraceSpec(spec) ? { type: 'trace', id, ...spec } : { type: 'run', id, ...spec });
    return run;
  }

  /** Asks the current run to stop; its tree is killed if it has not stopped within STOP_GRACE_MS. */
  cancel(): void {
    this.active?.cancel();
  }

  /** Stops the current run now, without waiting for the host (the panel that showed it closed). */
  stop(): void {
    this.active?.kill();
  }

  /** Stops every host this controller started (extension deactivated or disposed): each gets
   *  SHUTDOWN_GRACE_MS to stop its runs itself, then its tree is killed. */
  async dispose(): Promise<void> {
    this.active?.kill();
    const children = [...this.lingering];
    this.lingering.clear();
    await Promise.all(children.map((c) => this.stopHost(c)));
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
