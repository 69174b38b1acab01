/**
 * Messages between the extension and the demo panel's webview. Both sides import this module and
 * nothing else from each other. Every message received is checked with `parseToWebview` /
 * `parseFromWebview`; anything malformed is refused (logged by the receiver, then ignored).
 */
import type { ScenarioId } from './scenarios';
import { SCENARIO_IDS } from './scenarios';
import type { Runtime, Trace } from './trace';

export interface RunRequest {
  scenario: ScenarioId;
  runtime: Runtime;
  params: Record<string, unknown>;
}

/** Strings the webview shows, already localized by the extension (keys are English source text). */
export type Strings = Record<string, string>;

// ---- extension → webview -------------------------------------------------------------------

/** Answer to `ready`: localized strings, the runtime in use, and the runs kept so far. */
export interface InitMessage {
  type: 'init';
  strings: Strings;
  locale: string;
  defaultRuntime: Runtime;
  pythonAvailable: boolean;
  runs: Trace[];
}

/** A run began (from the command, a walkthrough link or the panel's controls). */
export interface RunStartedMessage {
  type: 'run-started';
  runId: number;
  request: RunRequest;
}

export interface RunProgressMessage {
  type: 'run-progress';
  runId: number;
  message: string;
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

export type ExportFormat = 'chrome-trace' | 'png' | 'svg' | 'csv';

/** Save an export. `content` is text (svg, csv, json) or a base64 PNG; `runIndex` picks the run. */
export interface SaveMessage {
  type: 'save';
  format: ExportFormat;
  runIndex: number;
  content?: string;
}

/** Something went wrong inside the webview; the extension writes it to its log. */
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type FromWebview = ReadyMessage | RunMessage | CancelMessage | SaveMessage | LogMessage;

// ---- validation ----------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_TEXT = 50 * 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRunRequest(v: unknown): v is RunRequest {
  return (
    isRecord(v) &&
    typeof v.scenario === 'string' &&
    (SCENARIO_IDS as readonly string[]).includes(v.scenario) &&
    (v.runtime === 'node' || v.runtime === 'python') &&
    isRecord(v.params)
  );
}

/** Light structural check of a trace: enough that the chart code can index it safely. */
export function isTrace(v: unknown): v is Trace {
  if (!isRecord(v) || v.schema !== 1 || typeof v.scenario !== 'string' || !Array.isArray(v.variants)) return false;
  return v.variants.every(
    (x) =>
      isRecord(x) &&
      typeof x.id === 'string' &&
      typeof x.wallUs === 'number' &&
      Array.isArray(x.lanes) &&
      Array.isArray(x.spans) &&
      Array.isArray(x.marks),
  );
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

export function parseFromWebview(msg: unknown): Parsed<FromWebview> {
  if (!isRecord(msg) || typeof msg.type !== 'string') return fail('not a message object with a "type"');
  switch (msg.type) {
    case 'ready':
    case 'cancel':
      return { ok: true, value: { type: msg.type } };
    case 'run':
      return isRunRequest(msg.request)
        ? { ok: true, value: { type: 'run', request: msg.request } }
        : fail('run: "request" needs a known scenario, runtime node|python and a params object');
    case 'save': {
      const formats: ExportFormat[] = ['chrome-trace', 'png', 'svg', 'csv'];
      if (!formats.includes(msg.format as ExportFormat)) return fail(`save: unknown format ${String(msg.format)}`);
      if (typeof msg.runIndex !== 'number' || !Number.isInteger(msg.runIndex) || msg.runIndex < 0) {
        return fail('save: "runIndex" must be a non-negative integer');
      }
      if (msg.content !== undefined && (typeof msg.content !== 'string' || msg.content.length > MAX_TEXT)) {
        return fail('save: "content" must be a string under 50 MB');
      }
      return {
        ok: true,
        value: { type: 'save', format: msg.format as ExportFormat, runIndex: msg.runIndex, content: msg.content as string | undefined },
      };
    }
    case 'log':
      if ((msg.level === 'info' || msg.level === 'warn' || msg.level === 'error') && typeof msg.message === 'string') {
        return { ok: true, value: { type: 'log', level: msg.level, message: msg.message.slice(0, 4000) } };
      }
      return fail('log: needs level info|warn|error and a string message');
    default:
      return fail(`unknown message type "${msg.type}"`);
  }
}

export function parseToWebview(msg: unknown): Parsed<ToWebview> {
  if (!isRecord(msg) || typeof msg.type !== 'string') return fail('not a message object with a "type"');
  const runId = msg.runId;
  const hasRunId = typeof runId === 'number' && Number.isInteger(runId);
  switch (msg.type) {
    case 'init':
      return isRecord(msg.strings) &&
        typeof msg.locale === 'string' &&
        (msg.defaultRuntime === 'node' || msg.defaultRuntime === 'python') &&
        typeof msg.pythonAvailable === 'boolean' &&
        Array.isArray(msg.runs) &&
        msg.runs.every(isTrace)
        ? { ok: true, value: msg as unknown as InitMessage }
        : fail('init: malformed');
    case 'run-started':
      return hasRunId && isRunRequest(msg.request) ? { ok: true, value: msg as unknown as RunStartedMessage } : fail('run-started: malformed');
    case 'run-progress':
      return hasRunId && typeof msg.message === 'string' ? { ok: true, value: msg as unknown as RunProgressMessage } : fail('run-progress: malformed');
    case 'run-result':
      return hasRunId && isTrace(msg.trace) ? { ok: true, value: msg as unknown as RunResultMessage } : fail('run-result: malformed trace');
    case 'run-failed':
      return hasRunId && typeof msg.error === 'string' && (msg.trace === undefined || isTrace(msg.trace))
        ? { ok: true, value: msg as unknown as RunFailedMessage }
        : fail('run-failed: malformed');
    default:
      return fail(`unknown message type "${msg.type}"`);
  }
}
