/**
 * The event channel between a traced program (Node or Python, via `labtrace`) and the engine.
 *
 * Transport: each traced process connects to a TCP server on 127.0.0.1 whose address and token it
 * reads from the environment variable `CLAB_TRACE` = `host:port:token`, and writes one JSON object
 * per line (UTF-8, `\n`-terminated). stdout and stderr stay the program's own output.
 * With `CLAB_TRACE` unset, `labtrace` does nothing and the program runs as a plain lesson program.
 *
 * Times `t` are nanoseconds on the sender's monotonic clock (Python `time.perf_counter_ns()`,
 * Node `process.hrtime.bigint()`), sent as JSON numbers. The engine maps them to its own clock
 * with the offset measured by the handshake (`hello` → `sync` → `clock`).
 */

/** First line on every connection. */
export interface HelloEvent {
  k: 'hello';
  token: string;
  runtime: 'node' | 'python';
  pid: number;
  /** Version of the interpreter, e.g. `3.12.4` or `v20.20.2`. */
  version: string;
  /** Python only: `sys._is_gil_enabled()` where it exists, else true. */
  gil?: boolean;
}

/** Engine → program, once, right after `hello`: the engine's clock at sending. */
export interface SyncReply {
  k: 'sync';
  /** Engine time in ns. */
  t: number;
}

/** Program → engine, once, after `sync`: its clock before sending hello (t0) and on receipt (t1). */
export interface ClockEvent {
  k: 'clock';
  t0: number;
  t1: number;
  /** Engine time echoed from `sync`. */
  te: number;
}

/** A variant starts (sent by the program's main process). */
export interface VariantEvent {
  k: 'variant';
  id: string;
  title: string;
  t: number;
}

/** A variant ends; `wall` and `cpu` are the program's own measurements in ns. */
export interface VariantEndEvent {
  k: 'variant-end';
  id: string;
  t: number;
  wall: number;
  cpu?: number;
}

/** A lane (thread / worker / process) begins. `lane` is unique within the run (the tracer makes it
 *  unique across processes by combining pid and a counter into a string). */
export interface LaneEvent {
  k: 'lane';
  lane: string;
  name: string;
  kind: 'main' | 'thread' | 'worker' | 'process';
  daemon?: boolean;
  /** OS process id and native thread id, for the engine's per-thread CPU sampler. */
  pid: number;
  tid?: number;
  t: number;
  /** Thread CPU time in ns, where the sender can read it. */
  c?: number;
}

/** The lane switches state. `cpu` means "wants to run code" — the engine splits it into measured
 *  `running` and `ready`. */
export interface StateEvent {
  k: 'state';
  lane: string;
  s: 'cpu' | 'sleeping' | 'io' | 'lock-wait' | 'idle';
  t: number;
  c?: number;
  note?: string;
}

export interface MarkEvent {
  k: 'mark';
  lane: string;
  m: 'start' | 'end' | 'join' | 'acquire' | 'release' | 'task' | 'killed';
  t: number;
  note?: string;
}

/** The lane ends (thread returns, worker exits). */
export interface LaneEndEvent {
  k: 'end';
  lane: string;
  t: number;
  c?: number;
}

/** The variant's result, e.g. the race's expected and actual balance. */
export interface OutcomeEvent {
  k: 'outcome';
  expected?: number | string;
  actual?: number | string;
  ok?: boolean;
}

export type ProgramEvent =
  | HelloEvent
  | ClockEvent
  | VariantEvent
  | VariantEndEvent
  | LaneEvent
  | StateEvent
  | MarkEvent
  | LaneEndEvent
  | OutcomeEvent;
