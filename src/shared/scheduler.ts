/**
 * Scheduler mode: the learner chooses which thread of a real Python program runs its next line.
 * This module holds what the engine, the extension and the webview share about it: the messages of
 * the Python driver (media/programs/python/scheduler/labsched.py) with their checks, the levels,
 * and the reading of a step log ("which step lost which update"). Pure; no Node, no DOM.
 */
import { isBool, isInt, isNum, isRecord, isStr, isStrList, optional } from './guards';
import { isOutputStream, type OutputStream } from './trace';

// ---- the levels ---------------------------------------------------------------------------

export const LEVEL_GOALS = ['wrong-result', 'right-result', 'deadlock'] as const;
export type LevelGoal = (typeof LEVEL_GOALS)[number];

export interface SchedulerLevel {
  id: string;
  /** File in media/programs/python/levels/ (and the learner's copy's name). */
  file: string;
  goal: LevelGoal;
  /** Step by bytecode instruction in the program's threads (the `counter += 1` level). */
  bytecode: boolean;
}

export const LEVELS: readonly SchedulerLevel[] = [
  { id: 'lost-update', file: 'race_two_deposits.py', goal: 'wrong-result', bytecode: false },
  { id: 'with-lock', file: 'race_with_lock.py', goal: 'right-result', bytecode: false },
  { id: 'counter', file: 'counter_increment.py', goal: 'wrong-result', bytecode: true },
  { id: 'two-locks', file: 'two_locks.py', goal: 'deadlock', bytecode: false },
  { id: 'reenter', file: 'reenter_lock.py', goal: 'deadlock', bytecode: false },
];

/** The walkthrough step (in "Race conditions") that reaching a level's goal completes. */
export const SCHEDULER_STEPS: Readonly<Record<string, string>> = { 'lost-update': 'race-conditions.scheduler', 'two-locks': 'race-conditions.deadlock' };

export function findLevel(id: unknown): SchedulerLevel | undefined {
  return LEVELS.find((l) => l.id === id);
}

// ---- the driver's messages ----------------------------------------------------------------

export const THREAD_STATUSES = ['starting', 'ready', 'running', 'blocked', 'done'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];
export const RUN_STATUSES = ['running', 'finished', 'deadlock', 'lost'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const OUTCOMES = ['right', 'wrong', 'finished', 'deadlock', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface WaitsFor {
  kind: 'lock' | 'join';
  /** The lock as the program names it (`self.lock`), or the thread joined. */
  name: string;
  timed: boolean;
  heldBy?: string;
}

export interface SchedThread {
  name: string;
  status: ThreadStatus;
  daemon: boolean;
  /** Whether choosing it now moves it (a blocked thread is offered once what it waits for is free). */
  runnable: boolean;
  /** The line it runs next (or waits at), in the program's file. */
  line?: number;
  func?: string;
  /** The bytecode instruction it runs next, in the bytecode view. */
  instr?: string;
  locals?: Record<string, string>;
  waitsFor?: WaitsFor;
}

export interface Access {
  watch: string;
  kind: 'read' | 'write';
  /** The value read, or written (after the step). */
  value: string | null;
  /** For a write: the value before. */
  old?: string | null;
}

export interface LogEntry {
  step: number;
  thread: string;
  line?: number | null;
  func?: string | null;
  text: string;
  instr?: string;
  /** A blocked thread chosen again, to try what it waited for. */
  retry?: boolean;
  access?: Access[];
  started?: string[];
  /** It stopped at a lock or a join: what it waits for. */
  blocked?: string;
  done?: boolean;
  /** Moved by itself: it was the only thread alive. Not part of the schedule. */
  auto?: boolean;
}

export interface OutputPiece {
  thread: string;
  stream: OutputStream;
  text: string;
}

export interface HelloMessage {
  type: 'hello';
  python: string;
  program: string;
  source: string[];
  watch: string[];
  expect: string | null;
  mode: 'line' | 'bytecode';
}

export interface StateMessage {
  type: 'state';
  step: number;
  status: RunStatus;
  threads: SchedThread[];
  watch: Record<string, string | null>;
  output: OutputPiece[];
  log: LogEntry[];
  cycle?: string[];
  ok?: boolean | null;
  error?: string;
}

export interface EndMessage {
  type: 'end';
  outcome: RunStatus | 'stopped';
  ok: boolean | null;
  cycle: string[];
  schedule: string[];
}

export interface SummaryMessage {
  type: 'random' | 'exhaustive';
  runs: number;
  counts: Record<Outcome, number>;
  examples: Partial<Record<Outcome, string[]>>;
  ms: number;
  seed?: number;
  /** Exhaustive: distinct states explored, runs cut short at a state explored before, all explored. */
  states?: number;
  merged?: number;
  complete?: boolean;
}

export interface DriverError {
  type: 'error';
  message: string;
}

export type DriverMessage = HelloMessage | StateMessage | EndMessage | SummaryMessage | DriverError;

const oneOf =
  <T extends string>(list: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (list as readonly string[]).includes(v);
const isThreadStatus = oneOf(THREAD_STATUSES);
const isRunStatus = oneOf(RUN_STATUSES);
const isStrMap = (v: unknown): boolean => isRecord(v) && Object.values(v).every(isStr);
const isNullableStr = (v: unknown): boolean => v === null || isStr(v);

const isWaitsFor = (w: unknown): boolean =>
  isRecord(w) && (w.kind === 'lock' || w.kind === 'join') && isStr(w.name) && isBool(w.timed) && optional(w.heldBy, isStr);

const isThread = (t: unknown): boolean =>
  isRecord(t) &&
  isStr(t.name) &&
  isThreadStatus(t.status) &&
  isBool(t.daemon) &&
  isBool(t.runnable) &&
  optional(t.line, isInt) &&
  optional(t.func, isStr) &&
  optional(t.instr, isStr) &&
  optional(t.locals, isStrMap) &&
  optional(t.waitsFor, isWaitsFor);

const isAccess = (a: unknown): boolean =>
  isRecord(a) && isStr(a.watch) && (a.kind === 'read' || a.kind === 'write') && isNullableStr(a.value) && optional(a.old, isNullableStr);

const isEntry = (e: unknown): boolean =>
  isRecord(e) &&
  isInt(e.step) &&
  isStr(e.thread) &&
  optional(e.line, (l) => l === null || isInt(l)) &&
  optional(e.func, isNullableStr) &&
  isStr(e.text) &&
  optional(e.instr, isStr) &&
  optional(e.retry, isBool) &&
  optional(e.access, (a) => Array.isArray(a) && a.every(isAccess)) &&
  optional(e.started, isStrList) &&
  optional(e.blocked, isStr) &&
  optional(e.done, isBool) &&
  optional(e.auto, isBool);

const isPiece = (p: unknown): boolean => isRecord(p) && isStr(p.thread) && isOutputStream(p.stream) && isStr(p.text);

const isCounts = (c: unknown): boolean => isRecord(c) && OUTCOMES.every((o) => isInt(c[o]));

/** A line the driver printed, checked; undefined for anything else (a program writing to fd 1 directly). */
export function parseDriverMessage(line: string): DriverMessage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(m)) return undefined;
  switch (m.type) {
    case 'hello':
      return isStr(m.python) && isStr(m.program) && isStrList(m.source) && isStrList(m.watch) && isNullableStr(m.expect) && (m.mode === 'line' || m.mode === 'bytecode')
        ? (m as unknown as HelloMessage)
        : undefined;
    case 'state':
      return isInt(m.step) &&
        isRunStatus(m.status) &&
        Array.isArray(m.threads) &&
        m.threads.every(isThread) &&
        isRecord(m.watch) &&
        Object.values(m.watch).every(isNullableStr) &&
        Array.isArray(m.output) &&
        m.output.every(isPiece) &&
        Array.isArray(m.log) &&
        m.log.every(isEntry) &&
        optional(m.cycle, isStrList) &&
        optional(m.ok, (o) => o === null || isBool(o)) &&
        optional(m.error, isStr)
        ? (m as unknown as StateMessage)
        : undefined;
    case 'end':
      return (isRunStatus(m.outcome) || m.outcome === 'stopped') && (m.ok === null || isBool(m.ok)) && isStrList(m.cycle) && isStrList(m.schedule)
        ? (m as unknown as EndMessage)
        : undefined;
    case 'random':
    case 'exhaustive':
      return isInt(m.runs) && isCounts(m.counts) && isRecord(m.examples) && Object.values(m.examples).every(isStrList) && isNum(m.ms)
        ? (m as unknown as SummaryMessage)
        : undefined;
    case 'error':
      return isStr(m.message) ? (m as unknown as DriverError) : undefined;
    default:
      return undefined;
  }
}

// ---- reading a step log -------------------------------------------------------------------

/** One update lost: `thread` wrote a value computed before `lostThread`'s write, erasing it. */
export interface LostUpdate {
  watch: string;
  /** The thread whose write was overwritten, the step of that write and the value it wrote. */
  lostThread: string;
  lostStep: number;
  lostValue: string | null;
  /** The thread that overwrote it: when it read, what it read, when it wrote, what it wrote. */
  thread: string;
  readStep: number;
  readValue: string | null;
  writeStep: number;
  value: string | null;
}

/**
 * The lost updates in a step log: a write whose thread last read the watched value *before* another
 * thread's write to it — that other write is overwritten without having been seen. Reads and writes
 * are what the driver saw each step touch (by name: `self.balance` counts for `account.balance`).
 */
export function lostUpdates(log: readonly LogEntry[]): LostUpdate[] {
  const lastRead = new Map<string, { step: number; value: string | null }>(); // `${thread}\0${watch}`
  const writes = new Map<string, { thread: string; step: number; value: string | null }[]>(); // by watch
  const lost: LostUpdate[] = [];
  for (const e of log) {
    for (const a of e.access ?? []) {
      const key = `${e.thread}\0${a.watch}`;
      if (a.kind === 'read') {
        lastRead.set(key, { step: e.step, value: a.value });
        continue;
      }
      const read = lastRead.get(key);
      const earlier = writes.get(a.watch) ?? [];
      if (read && read.step < e.step) {
        for (const w of earlier) {
          if (w.thread !== e.thread && w.step > read.step && w.step < e.step) {
            lost.push({ watch: a.watch, lostThread: w.thread, lostStep: w.step, lostValue: w.value, thread: e.thread, readStep: read.step, readValue: read.value, writeStep: e.step, value: a.value });
          }
        }
      }
      earlier.push({ thread: e.thread, step: e.step, value: a.value });
      writes.set(a.watch, earlier);
    }
  }
  return lost;
}

/** Whether a finished state reaches the level's goal. */
export function goalReached(level: SchedulerLevel, state: Pick<StateMessage, 'status' | 'ok'>): boolean {
  switch (level.goal) {
    case 'wrong-result':
      return state.status === 'finished' && state.ok === false;
    case 'right-result':
      return state.status === 'finished' && state.ok === true;
    case 'deadlock':
      return state.status === 'deadlock';
  }
}

/** The schedule of a log: the threads chosen, in order (automatic steps are not choices). */
export function scheduleOf(log: readonly LogEntry[]): string[] {
  return log.filter((e) => !e.auto).map((e) => e.thread);
}

/** Most random runs one request may ask for. */
export const MAX_RANDOM_RUNS = 10_000;
