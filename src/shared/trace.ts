/**
 * The trace: the one data model every side shares. A run produces one Trace; the webview draws it,
 * the CLI prints it, tests assert on it, and it exports to Chrome Trace JSON.
 * All times are microseconds since the variant's own start, on one monotonic clock.
 *
 * Each vocabulary (states, marks, lane kinds, runtimes, output streams) is declared once here as a
 * const array; its type and guard derive from it (test/unit/vocabulary.test.ts keeps it so).
 */
import { oneOf } from './guards';

/**
 * What a lane (thread, worker, process or asyncio task) was doing. Every state is measured by the
 * kernel or reported by a hook, never inferred from silence:
 * - running: on a CPU (kernel per-thread run time);
 * - core-wait: runnable, on a run queue, no core free (kernel run-queue time);
 * - gil-wait: wanted to run Python code but neither on a CPU nor queued, asleep on a futex (a GIL
 *   build only: the GIL is taken through a futex wait);
 * - sleeping: `time.sleep`, `asyncio.sleep`, timers;
 * - lock-wait: blocked on a lock, condition, semaphore, event, barrier, queue, `Atomics.wait`;
 * - join-wait: waiting for a thread, process, worker or future to finish;
 * - io: sockets, select, pipes, files, subprocess waits;
 * - idle: a pool worker or event loop with nothing to do;
 * - blocked: asleep in the kernel in a call no hook saw (the note names the system call, or says
 *   "unknown");
 * - done: ended, while the variant goes on.
 */
export const LANE_STATES = ['running', 'core-wait', 'gil-wait', 'sleeping', 'lock-wait', 'join-wait', 'io', 'idle', 'blocked', 'done'] as const;
export type LaneState = (typeof LANE_STATES)[number];

export const MARK_KINDS = ['start', 'end', 'join', 'acquire', 'release', 'task', 'killed'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** `task` = an asyncio Task (runs on its loop's thread, so it has no OS thread of its own). */
export const LANE_KINDS = ['main', 'thread', 'worker', 'process', 'task'] as const;
export type LaneKind = (typeof LANE_KINDS)[number];

/** In the order the panel and the CLI offer them: the lesson's own language first. */
export const RUNTIMES = ['python', 'node'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

/** How the kernel's view of a thread was read, so the chart can say how far to trust the CPU states. */
export const STATE_METHODS = ['schedstat', 'thread-cpu-clock', 'none'] as const;
export type StateMethod = (typeof STATE_METHODS)[number];

export const isLaneState = oneOf(LANE_STATES);
export const isMarkKind = oneOf(MARK_KINDS);
export const isLaneKind = oneOf(LANE_KINDS);
export const isRuntime = oneOf(RUNTIMES);
export const isOutputStream = oneOf(OUTPUT_STREAMS);
export const isStateMethod = oneOf(STATE_METHODS);

export interface Span {
  lane: number;
  state: LaneState;
  start: number;
  end: number;
  /** In words, what the state was about: "Lock (race.py:18) held by Thread-1", "futex", "Future.result". */
  note?: string;
  /** Where in the program (file:line) the lane entered this state, when a hook saw it. */
  where?: string;
}

export interface Mark {
  lane: number;
  at: number;
  kind: MarkKind;
  note?: string;
}

export interface Lane {
  id: number;
  name: string;
  kind: LaneKind;
  daemon?: boolean;
  /** OS process id of the lane's process. */
  pid?: number;
  /** The function the thread, process or task runs, e.g. `download`. */
  target?: string;
  /** Where it was started (file:line). */
  where?: string;
}

export interface Outcome {
  expected?: number | string;
  actual?: number | string;
  ok?: boolean;
}

/** A piece of the program's own output, at the time the engine received it. */
export interface OutputChunk {
  /** µs since the variant's start (negative: printed before the variant began). */
  at: number;
  stream: OutputStream;
  text: string;
}

export interface StackFrame {
  file: string;
  line: number;
  func: string;
}

/** Where a thread still alive at a timeout was stuck. */
export interface StuckThread {
  lane: number;
  /** Outermost first, the innermost (where it waits) last. */
  frames: StackFrame[];
  /** The lock or other object it waits for, e.g. "Lock (deadlock.py:6)". */
  waitsFor?: string;
  /** The lane holding that lock, where known. */
  heldBy?: number;
}

export interface Stuck {
  threads: StuckThread[];
  /** Lanes of a wait-for cycle (each waits for a lock the next one holds), when there is one. */
  deadlock?: number[];
  /** The cycle in words: "Thread-1 waits for lock_b held by Thread-2, which waits for …". */
  summary?: string;
}

export interface Variant {
  /** Stable id within the scenario, e.g. `sequential`, `threads`, `processes`, `pool-4`, `program`. */
  id: string;
  title: string;
  /** Wall time of the variant. */
  wallUs: number;
  /** CPU time of all lanes together, when measured. */
  cpuUs?: number;
  lanes: Lane[];
  spans: Span[];
  marks: Mark[];
  outcome?: Outcome;
  /** The program's stdout and stderr, with times (may be cut to a limit; see `outputTruncated`). */
  output?: OutputChunk[];
  /** Characters of output dropped beyond the kept limit. */
  outputTruncated?: number;
  /** The main process's exit code; null when it was ended by a signal (`signal` says which). */
  exitCode?: number | null;
  signal?: string;
  /** Set for a run that timed out: where each live thread was stuck. */
  stuck?: Stuck;
  /** Set when the variant did not finish normally (crash, timeout, cancel). */
  error?: string;
  /** CPU time other programs on the machine used while this variant ran (kernel accounting). */
  otherCpuUs?: number;
  /** From the program's spawn to its main process's exit, as the engine saw it: the program's own
   *  time, start-up and exit included (the benchmark subtracts it from what the learner waits). */
  aliveUs?: number;
  /** Wall times of every repetition of this variant when the run was repeated; this variant is the
   *  one with the median wall time. */
  repeats?: number[];
}

export interface TraceEnv {
  platform: string;
  cpus: number;
  node: string;
  python?: string;
  /** Python only: whether the GIL was enabled (false on a free-threaded build with it off). */
  gil?: boolean;
  stateMethod?: StateMethod;
}

/** How the CPU-bound demos' work was sized to this machine (engine/calibration.ts). */
export interface Calibration {
  /** CPU seconds one task took at scale 1 on this machine and interpreter. */
  taskSeconds: number;
  /** What the learner's scale was multiplied by, so a task computes for about a second. */
  factor: number;
  /** Whether the measurement came from the cache of an earlier run. */
  cached: boolean;
}

export interface Trace {
  schema: 2;
  /** A scenario id, or `program` for a traced program of the learner's own. */
  scenario: string;
  runtime: Runtime;
  params: Record<string, unknown>;
  env: TraceEnv;
  /** ISO date of the run's start. */
  startedAt: string;
  /** For `trace FILE`: the program and its own arguments, as given. */
  program?: { path: string; args: string[] };
  variants: Variant[];
  /** Events the engine could not parse or refused (garbage on the event channel). */
  skippedEvents?: number;
  /** Problems found by the engine's own checks of this trace (see traceCheck.ts). */
  problems?: string[];
  /** Set when the work was sized to this machine. */
  calibration?: Calibration;
}
