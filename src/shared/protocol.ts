/**
 * Messages between the extension and the demo panel's webview. Both sides import this module and
 * nothing else from each other. Every message received is checked with `parseToWebview` /
 * `parseFromWebview`; anything malformed is refused (logged by the receiver, then ignored).
 */
import { isBool, isInt, isNum, isRecord, isStr, isStrList, oneOf, optional } from './guards';
import { isRunProgress, type RunProgress } from './progress';
import { isScenarioId, type ScenarioId } from './scenarios';
import { isLaneKind, isLaneState, isMarkKind, isOutputStream, isRuntime, isStateMethod, type Runtime, type Trace } from './trace';

export interface RunRequest {
  scenario: ScenarioId;
  runtime: Runtime;
  params: Record<string, unknown>;
  /** Run the variants this many times, interleaved, and show medians (1 when absent). */
  repeat?: number;
}

/** The most repetitions one run may ask for: enough for a median and its spread, not a benchmark. */
export const MAX_REPEAT = 20;

export const isRepeat = (v: unknown): v is number => isInt(v) && v >= 1 && v <= MAX_REPEAT;

/** Strings the webview shows, already localized by the extension (keys are English source text). */
export type Strings = Record<string, string>;

// ---- extension → webview -------------------------------------------------------------------

/** Answer to `ready`: localized strings and the runtime in use. The runs are the webview's own (its saved state). */
export interface InitMessage {
  type: 'init';
  strings: Strings;
  locale: string;
  defaultRuntime: Runtime;
  pythonAvailable: boolean;
}

/** A run began (from the command, a walkthrough link or the panel's controls). */
export interface RunStartedMessage {
  type: 'run-started';
  runId: number;
  request: RunRequest;
}

/** How the run goes, translated by the webview (src/shared/progress.ts). */
export interface RunProgressMessage {
  type: 'run-progress';
  runId: number;
  progress: RunProgress;
}

/** A run finished; `trace` is what the run measured. */
export interface RunResultMessage {
  type: 'run-result';
  runId: number;
  trace: Trace;
}

/** A run failed or was cancelled. `hint` says what to do; `trace` is the partial trace, if any. */
export interface RunFailedMessage {
  type: 'run-failed';
  runId: number;
  error: string;
  hint?: string;
  cancelled?: boolean;
  trace?: Trace;
}

export type ToWebview = InitMessage | RunStartedMessage | RunProgressMessage | RunResultMessage | RunFailedMessage;

// ---- webview → extension -------------------------------------------------------------------

/** The webview's script has loaded and wants its initial state. */
export interface ReadyMessage {
  type: 'ready';
}

/** Run a scenario with the panel's parameters. */
export interface RunMessage {
  type: 'run';
  request: RunRequest;
}

export interface CancelMessage {
  type: 'cancel';
}

export const EXPORT_FORMATS = ['chrome-trace', 'png', 'svg', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const isExportFormat = oneOf(EXPORT_FORMATS);
/** Each format's file extension; a PNG travels as base64 (a message carries strings), the rest as their text. */
export const EXPORT_FILES: Record<ExportFormat, { extension: string; base64?: true }> = {
  'chrome-trace': { extension: 'json' },
  png: { extension: 'png', base64: true },
  svg: { extension: 'svg' },
  csv: { extension: 'csv' },
};

/** The name a run's export is offered under, e.g. `concurrency-lab-race-python.png`. */
export function exportFileName(trace: Pick<Trace, 'scenario' | 'runtime'>, format: ExportFormat): string {
  // A restored trace's scenario is any string: keep the name a plain file name.
  return `concurrency-lab-${trace.scenario}-${trace.runtime}`.replace(/[^\w.-]+/g, '-').slice(0, 120) + `.${EXPORT_FILES[format].extension}`;
}

/** A plain file name (no folder, no drive, no control characters) with the format's extension. */
function isExportFileName(name: unknown, format: ExportFormat): name is string {
  // eslint-disable-next-line no-control-regex
  return isStr(name) && name.length <= 200 && /^[^\\/:*?"<>|\x00-\x1f]+$/.test(name) && name.endsWith(`.${EXPORT_FILES[format].extension}`);
}

/** Save an export: the webview made the bytes (`content`, encoded as EXPORT_FILES says); the extension writes them. */
export interface SaveMessage {
  type: 'save';
  format: ExportFormat;
  /** Offered in the save dialog. */
  fileName: string;
  content: string;
}

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const isLogLevel = oneOf(LOG_LEVELS);

/** Something went wrong inside the webview; the extension writes it to its log. */
export interface LogMessage {
  type: 'log';
  level: LogLevel;
  message: string;
}

/**
 * Open the program's code at a line (a span's or a stuck frame's place). `startedAt` and `scenario`
 * name the run it came from; the extension opens the file only if that run refers to it (openSource.ts).
 */
export interface OpenSourceMessage {
  type: 'open-source';
  startedAt: string;
  scenario: string;
  runtime: Runtime;
  /** The trace's `program.path` (a traced program): where a run from before a reload resolves a bare name. */
  program?: string;
  /** As the trace has it: a bare name from a `where` ("race.py") or a stack frame's path. */
  file: string;
  /** 1-based. */
  line: number;
}

export type FromWebview = ReadyMessage | RunMessage | CancelMessage | SaveMessage | LogMessage | OpenSourceMessage;

// ---- validation ----------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_TEXT = 50 * 1024 * 1024;
/** Longer than any real path (Windows allows 32 767 UTF-16 units), short enough to log whole. */
export const MAX_SOURCE_PATH = 4096;
/** Far beyond any source file's length, and still an exact integer. */
export const MAX_SOURCE_LINE = 10_000_000;

function isRunRequest(v: unknown): v is RunRequest {
  return (
    isRecord(v) &&
    isScenarioId(v.scenario) &&
    isRuntime(v.runtime) &&
    isRecord(v.params) &&
    (v.repeat === undefined || isRepeat(v.repeat))
  );
}

/** First problem of each element, or undefined when all pass. */
function firstProblem(list: unknown[], where: string, check: (x: Record<string, unknown>) => boolean, what: string): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (!isRecord(x) || !check(x)) return `${where}[${i}] is not ${what}: ${JSON.stringify(x)?.slice(0, 200)}`;
  }
  return undefined;
}

const isLane = (l: Record<string, unknown>): boolean =>
  isInt(l.id) &&
  isStr(l.name) &&
  isLaneKind(l.kind) &&
  optional(l.daemon, isBool) &&
  optional(l.pid, isInt) &&
  optional(l.target, isStr) &&
  optional(l.where, isStr);

const isSpan = (s: Record<string, unknown>): boolean =>
  isInt(s.lane) && isLaneState(s.state) && isNum(s.start) && isNum(s.end) && optional(s.note, isStr) && optional(s.where, isStr);

const isMark = (m: Record<string, unknown>): boolean => isInt(m.lane) && isNum(m.at) && isMarkKind(m.kind) && optional(m.note, isStr);

const isChunk = (c: Record<string, unknown>): boolean => isNum(c.at) && isOutputStream(c.stream) && isStr(c.text);

const isFrame = (f: unknown): boolean => isRecord(f) && isStr(f.file) && isInt(f.line) && isStr(f.func);

const isStuckThread = (t: Record<string, unknown>): boolean =>
  isInt(t.lane) && Array.isArray(t.frames) && t.frames.every(isFrame) && optional(t.waitsFor, isStr) && optional(t.heldBy, isInt);

const isOutcome = (o: unknown): boolean => {
  const value = (v: unknown) => v === undefined || isStr(v) || isNum(v);
  return isRecord(o) && value(o.expected) && value(o.actual) && optional(o.ok, isBool);
};

function variantProblem(v: unknown, at: string): string | undefined {
  if (!isRecord(v)) return `${at} is not an object`;
  if (!isStr(v.id) || !isStr(v.title)) return `${at} needs a string id and title`;
  if (!isNum(v.wallUs) || !optional(v.cpuUs, isNum)) return `${at}: wallUs (and cpuUs, when given) must be numbers`;
  if (!Array.isArray(v.lanes) || !Array.isArray(v.spans) || !Array.isArray(v.marks)) return `${at} needs lanes, spans and marks lists`;
  const lists =
    firstProblem(v.lanes, `${at}.lanes`, isLane, 'a lane') ??
    firstProblem(v.spans, `${at}.spans`, isSpan, 'a span of a known state') ??
    firstProblem(v.marks, `${at}.marks`, isMark, 'a mark of a known kind');
  if (lists) return lists;
  if (!optional(v.outcome, isOutcome)) return `${at}.outcome is malformed`;
  if (v.output !== undefined) {
    if (!Array.isArray(v.output)) return `${at}.output is not a list`;
    const bad = firstProblem(v.output, `${at}.output`, isChunk, 'an output chunk');
    if (bad) return bad;
  }
  if (!optional(v.outputTruncated, isNum)) return `${at}.outputTruncated is not a number`;
  if (!(v.exitCode === undefined || v.exitCode === null || isInt(v.exitCode))) return `${at}.exitCode must be an integer or null`;
  if (!optional(v.signal, isStr) || !optional(v.error, isStr)) return `${at}: signal and error must be strings`;
  if (!optional(v.otherCpuUs, isNum)) return `${at}.otherCpuUs is not a number`;
  if (!optional(v.aliveUs, isNum)) return `${at}.aliveUs is not a number`;
  if (!optional(v.repeats, (r) => Array.isArray(r) && r.length > 0 && r.every(isNum))) return `${at}.repeats must be a list of numbers`;
  if (v.stuck !== undefined) {
    const st = v.stuck;
    if (!isRecord(st) || !Array.isArray(st.threads) || !optional(st.summary, isStr) || !optional(st.deadlock, (d) => Array.isArray(d) && d.every(isInt))) {
      return `${at}.stuck is malformed`;
    }
    const bad = firstProblem(st.threads, `${at}.stuck.threads`, isStuckThread, 'a stuck thread');
    if (bad) return bad;
  }
  return undefined;
}

/**
 * Why `v` is not a trace of the schema this build reads, or undefined when it is one. Strict about
 * shapes and vocabularies (states, marks, lane kinds, streams), so the chart code can index it
 * safely and an older or newer schema is refused with its reason; not about timing (traceCheck.ts).
 */
export function traceProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'not an object';
  if (v.schema !== 2) return `schema ${JSON.stringify(v.schema)} is not read here (this version reads schema 2)`;
  if (!isStr(v.scenario) || !isRuntime(v.runtime) || !isStr(v.startedAt) || !isRecord(v.params)) {
    return 'needs a scenario, a runtime node|python, startedAt and a params object';
  }
  const env = v.env;
  if (
    !isRecord(env) ||
    !isStr(env.platform) ||
    !isNum(env.cpus) ||
    !isStr(env.node) ||
    !optional(env.python, isStr) ||
    !optional(env.gil, isBool) ||
    !optional(env.stateMethod, isStateMethod)
  ) {
    return 'env is malformed';
  }
  if (!optional(v.program, (p) => isRecord(p) && isStr(p.path) && isStrList(p.args))) return 'program needs a path and a list of args';
  if (!optional(v.skippedEvents, isNum) || !optional(v.problems, isStrList)) return 'skippedEvents must be a number and problems a list of strings';
  if (!optional(v.calibration, (c) => isRecord(c) && isNum(c.taskSeconds) && isNum(c.factor) && isBool(c.cached))) return 'calibration is malformed';
  if (!Array.isArray(v.variants)) return 'variants is not a list';
  for (let i = 0; i < v.variants.length; i++) {
    const bad = variantProblem(v.variants[i], `variants[${i}]`);
    if (bad) return bad;
  }
  return undefined;
}

export function isTrace(v: unknown): v is Trace {
  return traceProblem(v) === undefined;
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

export function parseFromWebview(msg: unknown): Parsed<FromWebview> {
  if (!isRecord(msg) || !isStr(msg.type)) return fail('not a message object with a "type"');
  switch (msg.type) {
    case 'ready':
    case 'cancel':
      return { ok: true, value: { type: msg.type } };
    case 'run':
      return isRunRequest(msg.request)
        ? { ok: true, value: { type: 'run', request: msg.request } }
        : fail(`run: "request" needs a known scenario, runtime node|python, a params object and a repeat of 1 to ${MAX_REPEAT}`);
    case 'save': {
      const { format, fileName, content } = msg;
      if (!isExportFormat(format)) return fail(`save: unknown format ${String(format)}`);
      if (!isStr(content) || content.length > MAX_TEXT) return fail('save: "content" must be a string under 50 MB');
      if (EXPORT_FILES[format].base64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) return fail(`save: ${format} content must be base64`);
      if (!isExportFileName(fileName, format)) return fail(`save: "fileName" must be a plain file name ending in .${EXPORT_FILES[format].extension}`);
      return { ok: true, value: { type: 'save', format, fileName, content } };
    }
    case 'open-source': {
      const { startedAt, scenario, runtime, program, file, line } = msg;
      if (!isStr(startedAt) || !startedAt || startedAt.length > 64 || !isStr(scenario) || !scenario || scenario.length > 200 || !isRuntime(runtime)) {
        return fail('open-source: needs "startedAt", "scenario" and "runtime" of a run');
      }
      // A NUL would end the path early in the file system calls: never a real file name.
      const isPath = (p: unknown): p is string => isStr(p) && !!p && p.length <= MAX_SOURCE_PATH && !p.includes('\0');
      if (!isPath(file) || !optional(program, isPath)) return fail(`open-source: "file" (and "program") must be paths of 1 to ${MAX_SOURCE_PATH} characters`);
      if (!isInt(line) || line < 1 || line > MAX_SOURCE_LINE) return fail('open-source: "line" must be a positive integer');
      return { ok: true, value: { type: 'open-source', startedAt, scenario, runtime, ...(isStr(program) ? { program } : {}), file, line } };
    }
    case 'log':
      if (isLogLevel(msg.level) && isStr(msg.message)) {
        return { ok: true, value: { type: 'log', level: msg.level, message: msg.message.slice(0, 4000) } };
      }
      return fail('log: needs level info|warn|error and a string message');
    default:
      return fail(`unknown message type "${msg.type}"`);
  }
}

export function parseToWebview(msg: unknown): Parsed<ToWebview> {
  if (!isRecord(msg) || !isStr(msg.type)) return fail('not a message object with a "type"');
  const runId = msg.runId;
  const hasRunId = isInt(runId);
  switch (msg.type) {
    case 'init':
      return isRecord(msg.strings) && isStr(msg.locale) && isRuntime(msg.defaultRuntime) && isBool(msg.pythonAvailable)
        ? { ok: true, value: msg as unknown as InitMessage }
        : fail('init: malformed');
    case 'run-started':
      return hasRunId && isRunRequest(msg.request) ? { ok: true, value: msg as unknown as RunStartedMessage } : fail('run-started: malformed');
    case 'run-progress':
      return hasRunId && isRunProgress(msg.progress) ? { ok: true, value: msg as unknown as RunProgressMessage } : fail('run-progress: malformed');
    case 'run-result': {
      const bad = hasRunId ? traceProblem(msg.trace) : 'no runId';
      return bad === undefined ? { ok: true, value: msg as unknown as RunResultMessage } : fail(`run-result: malformed trace: ${bad}`);
    }
    case 'run-failed': {
      const bad = msg.trace === undefined ? undefined : traceProblem(msg.trace);
      if (!hasRunId || !isStr(msg.error)) return fail('run-failed: malformed');
      return bad === undefined ? { ok: true, value: msg as unknown as RunFailedMessage } : fail(`run-failed: malformed trace: ${bad}`);
    }
    default:
      return fail(`unknown message type "${msg.type}"`);
  }
}
