/**
 * Messages between the extension and the scheduler panel's webview ("Be the Scheduler"). The panel
 * shows what the driver reports and sends the learner's choices; every message received is checked
 * here first, and a malformed one is refused.
 */
import { isBool, isInt, isRecord, isStr, isStrList, optional } from './guards';
import { findLevel, MAX_RANDOM_RUNS, type EndMessage, type HelloMessage, type StateMessage, type SummaryMessage } from './scheduler';
import type { Strings } from './protocol';

// ---- extension → webview ------------------------------------------------------------------

export interface SchedInit {
  type: 'init';
  strings: Strings;
  locale: string;
  /** The level to show first. */
  level: string;
  /** Why runs cannot start here (no Python, untrusted workspace), if they cannot. */
  unavailable?: string;
}

/** A run of a level began: the program's source and what it watches. `run` counts runs of this panel. */
export interface SchedStarted {
  type: 'started';
  run: number;
  level: string;
  bytecode: boolean;
  /** The file shown (the learner's copy when there is one). */
  file: string;
  hello: HelloMessage;
}

export interface SchedState {
  type: 'state';
  run: number;
  state: StateMessage;
}

export interface SchedEnd {
  type: 'end';
  run: number;
  end: EndMessage;
}

export interface SchedSummary {
  type: 'summary';
  level: string;
  summary: SummaryMessage;
}

export interface SchedError {
  type: 'error';
  message: string;
}

export type ToSchedulerView = SchedInit | SchedStarted | SchedState | SchedEnd | SchedSummary | SchedError;

// ---- webview → extension ------------------------------------------------------------------

export interface SchedReady {
  type: 'ready';
}

/** Start (or restart) a level; `schedule` replays a found interleaving first. */
export interface SchedStart {
  type: 'start';
  level: string;
  bytecode: boolean;
  schedule?: string[];
}

export interface SchedStep {
  type: 'step';
  run: number;
  thread: string;
}

/** Run the level many times without the learner: random choices, or every reachable state. */
export interface SchedBatch {
  type: 'batch';
  level: string;
  bytecode: boolean;
  mode: 'random' | 'exhaustive';
  runs?: number;
}

/** Open the level's program (the learner's copy) in an editor, at a line. */
export interface SchedOpen {
  type: 'open';
  level: string;
  line?: number;
}

export type FromSchedulerView = SchedReady | SchedStart | SchedStep | SchedBatch | SchedOpen;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_SCHEDULE = 10_000;
const MAX_NAME = 200;

const isLevelId = (v: unknown): v is string => findLevel(v) !== undefined;
const isThreadName = (v: unknown): v is string => isStr(v) && v.length > 0 && v.length <= MAX_NAME;

export function parseFromSchedulerView(msg: unknown): Parsed<FromSchedulerView> {
  if (!isRecord(msg)) return { ok: false, error: 'not an object' };
  const bad = (why: string): Parsed<FromSchedulerView> => ({ ok: false, error: `${String(msg.type)}: ${why}` });
  switch (msg.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'start':
      if (!isLevelId(msg.level) || !isBool(msg.bytecode)) return bad('needs a known level and bytecode true/false');
      if (!optional(msg.schedule, (s) => isStrList(s) && s.length <= MAX_SCHEDULE && s.every(isThreadName))) return bad('schedule must be a list of thread names');
      return { ok: true, value: { type: 'start', level: msg.level, bytecode: msg.bytecode, schedule: msg.schedule as string[] | undefined } };
    case 'step':
      if (!isInt(msg.run) || !isThreadName(msg.thread)) return bad('needs a run number and a thread name');
      return { ok: true, value: { type: 'step', run: msg.run, thread: msg.thread } };
    case 'batch':
      if (!isLevelId(msg.level) || !isBool(msg.bytecode) || (msg.mode !== 'random' && msg.mode !== 'exhaustive')) return bad('needs a level, bytecode and a mode');
      if (!optional(msg.runs, (r) => isInt(r) && r >= 1 && r <= MAX_RANDOM_RUNS)) return bad(`runs must be 1 to ${MAX_RANDOM_RUNS}`);
      return { ok: true, value: { type: 'batch', level: msg.level, bytecode: msg.bytecode, mode: msg.mode, runs: msg.runs as number | undefined } };
    case 'open':
      if (!isLevelId(msg.level) || !optional(msg.line, (l) => isInt(l) && l >= 1 && l <= 1_000_000)) return bad('needs a level (and a line)');
      return { ok: true, value: { type: 'open', level: msg.level, line: msg.line as number | undefined } };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}

/** The webview checks the extension's messages too: the shapes it indexes into. */
export function parseToSchedulerView(msg: unknown): Parsed<ToSchedulerView> {
  if (!isRecord(msg)) return { ok: false, error: 'not an object' };
  const ok = (v: boolean): Parsed<ToSchedulerView> => (v ? { ok: true, value: msg as unknown as ToSchedulerView } : { ok: false, error: `malformed ${String(msg.type)}` });
  switch (msg.type) {
    case 'init':
      return ok(isRecord(msg.strings) && isStr(msg.locale) && isStr(msg.level) && optional(msg.unavailable, isStr));
    case 'started':
      return ok(isInt(msg.run) && isStr(msg.level) && isBool(msg.bytecode) && isStr(msg.file) && isRecord(msg.hello) && isStrList(msg.hello.source));
    case 'state':
      return ok(isInt(msg.run) && isRecord(msg.state) && Array.isArray(msg.state.threads) && Array.isArray(msg.state.log));
    case 'end':
      return ok(isInt(msg.run) && isRecord(msg.end) && isStrList(msg.end.schedule));
    case 'summary':
      return ok(isStr(msg.level) && isRecord(msg.summary) && isRecord(msg.summary.counts));
    case 'error':
      return ok(isStr(msg.message));
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}
