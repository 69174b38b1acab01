/**
 * The trace: the one data model every side shares. A run of a scenario produces one Trace;
 * the webview draws it, the CLI prints it, tests assert on it, and it exports to Chrome Trace JSON.
 * All times are microseconds since the variant's own start, on one monotonic clock.
 */

/** What a lane (thread, worker or process) was doing. `ready` = runnable but not on a CPU
 *  (waiting for the GIL in Python, or for a core). */
export type LaneState = 'running' | 'ready' | 'sleeping' | 'io' | 'lock-wait' | 'idle' | 'done';

export const LANE_STATES: readonly LaneState[] = ['running', 'ready', 'sleeping', 'io', 'lock-wait', 'idle', 'done'];

export type MarkKind = 'start' | 'end' | 'join' | 'acquire' | 'release' | 'task' | 'killed';

export const MARK_KINDS: readonly MarkKind[] = ['start', 'end', 'join', 'acquire', 'release', 'task', 'killed'];

export type LaneKind = 'main' | 'thread' | 'worker' | 'process';

export interface Span {
  lane: number;
  state: LaneState;
  start: number;
  end: number;
  note?: string;
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
}

export interface Outcome {
  expected?: number | string;
  actual?: number | string;
  ok?: boolean;
}

export interface Variant {
  /** Stable id within the scenario, e.g. `sequential`, `threads`, `processes`, `pool-4`. */
  id: string;
  title: string;
  /** Wall time of the variant as the program measured it. */
  wallUs: number;
  /** CPU time of all lanes together, when measured. */
  cpuUs?: number;
  lanes: Lane[];
  spans: Span[];
  marks: Mark[];
  outcome?: Outcome;
  /** Set when the variant did not finish normally (crash, timeout, cancel). */
  error?: string;
}

export type Runtime = 'node' | 'python';

/** How `running` and `ready` were told apart, so the chart can say how far to trust them. */
export type StateMethod = 'schedstat' | 'thread-cpu-clock' | 'none';

export interface TraceEnv {
  platform: string;
  cpus: number;
  node: string;
  python?: string;
  /** Python only: whether the GIL was enabled (false on a free-threaded build with it off). */
  gil?: boolean;
  stateMethod?: StateMethod;
}

export interface Trace {
  schema: 1;
  scenario: string;
  runtime: Runtime;
  params: Record<string, unknown>;
  env: TraceEnv;
  /** ISO date of the run's start. */
  startedAt: string;
  variants: Variant[];
  /** Events the engine could not parse and skipped (garbage on the event channel). */
  skippedEvents?: number;
}
