/**
 * The event channel between a traced program (Node or Python, via `labtrace`) and the engine.
 *
 * Transport: each traced process connects to a TCP server on 127.0.0.1 whose address and token it
 * reads from the environment variable `CLAB_TRACE` = `host:port:token`, and writes one JSON object
 * per line (UTF-8, `\n`-terminated). stdout and stderr stay the program's own output.
 * With `CLAB_TRACE` unset, `labtrace` does nothing and the program runs as a plain lesson program.
 *
 * Python programs need no import: the engine puts `media/programs/python/bootstrap` first on
 * `PYTHONPATH`, whose `sitecustomize.py` loads the automatic tracer in every Python process of the
 * run (the program, multiprocessing children under fork/spawn/forkserver, Python subprocesses),
 * hooking the standard library's blocking points. Node programs get the same from a module preloaded
 * with `--import` (`media/programs/node/autotrace.mjs`).
 *
 * Engine → program, besides `sync`: `{"k":"dump"}` asks every thread's stack (sent at a timeout,
 * before the program is stopped); the program answers with `stuck` events and then `dumped`.
 *
 * Times `t` are nanoseconds on the sender's monotonic clock (Python `time.perf_counter_ns()`,
 * Node `process.hrtime.bigint()`), sent as JSON numbers. The engine maps them to its own clock
 * with the offset measured by the handshake (`hello` → `sync` → `clock`).
 */

/** First line on every connection. */
import { oneOf } from './guards';
import { MARK_KINDS, type LaneKind, type MarkKind, type Runtime } from './trace';

export interface HelloEvent {
  k: 'hello';
  token: string;
  runtime: Runtime;
  /** A whole positive number, as every id the engine keeps (an event with another is refused). */
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

/** A lane (thread / worker / process / asyncio task) begins; sent again with the same `lane` it
 *  renames the lane (a multiprocessing child learns its name after start-up). `lane` is unique within the run (the tracer makes it
 *  unique across processes by combining pid and a counter into a string). */
export interface LaneEvent {
  k: 'lane';
  lane: string;
  name: string;
  kind: LaneKind;
  daemon?: boolean;
  /** OS process id and native thread id (whole numbers), for the engine's per-thread CPU sampler (no tid for a task). */
  pid: number;
  tid?: number;
  /** The function the lane runs, and where it was started (file:line). */
  target?: string;
  where?: string;
  t: number;
  /** Thread CPU time in ns, where the sender can read it. */
  c?: number;
}

/** What a hook can say a lane is doing. `cpu` means "runs code, no hooked wait": the engine splits it
 *  with the kernel's help into `running`, `core-wait`, `gil-wait` and `blocked`. */
export const INTENTS = ['cpu', 'sleeping', 'io', 'lock-wait', 'join-wait', 'idle'] as const;
export type Intent = (typeof INTENTS)[number];
export const isIntent = oneOf(INTENTS);

/** The lane switches state. */
export interface StateEvent {
  k: 'state';
  lane: string;
  s: Intent;
  t: number;
  c?: number;
  note?: string;
  /** Where the wait was entered (file:line of the program's own call). */
  where?: string;
  /** Identity of the object waited on, e.g. "Lock (race.py:18)", stable within the process. */
  obj?: string;
  /** The lane that held that lock when the wait began (Lock/RLock only). */
  holder?: string;
}

/** The marks a program may send: `killed` is the engine's alone (a lane still open when its
 *  process went away), so a program cannot claim its threads were killed. */
export type ProgramMark = Exclude<MarkKind, 'killed'>;
export const PROGRAM_MARKS = MARK_KINDS.filter((k): k is ProgramMark => k !== 'killed');
export const isProgramMark = oneOf(PROGRAM_MARKS);

export interface MarkEvent {
  k: 'mark';
  lane: string;
  m: ProgramMark;
  t: number;
  note?: string;
  obj?: string;
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

/** Answer to `dump`: one per live thread, its stack and what it waits for. */
export interface StuckEvent {
  k: 'stuck';
  lane: string;
  /** Outermost first. */
  frames: { file: string; line: number; func: string }[];
  obj?: string;
  holder?: string;
}

/** The end of a process's answer to `dump`. */
export interface DumpedEvent {
  k: 'dumped';
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
  | OutcomeEvent
  | StuckEvent
  | DumpedEvent;
