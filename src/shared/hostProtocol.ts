/**
 * Messages between the extension and the engine host process (dist/engineHost.js, started with
 * `child_process.fork`). Both sides import this module; the host checks every message it gets
 * (`parseToHost`), the extension every reply (`parseFromHost`).
 */
import { isNum, isRecord, isStr, optional } from './guards';
import { isRunProgress, type RunProgress } from './progress';
import { isRepeat } from './protocol';
import { isRuntime, type Runtime, type Trace } from './trace';

/** How a run failed (the engine's RunError carries one). */
export type RunErrorKind = 'bad-params' | 'runtime-missing' | 'runtime-too-old' | 'crashed' | 'timeout' | 'cancelled' | 'protocol';

// ---- extension → host ----------------------------------------------------------------------------

/** Run a scenario; `id` is chosen by the extension and echoed on every reply. */
export interface HostRunRequest {
  type: 'run';
  id: number;
  scenario: string;
  params: Record<string, unknown>;
  runtime?: Runtime;
  pythonPath?: string;
  /** The version the extension found at `pythonPath` (its own check, once per setting): the host
   *  then trusts it instead of probing the interpreter again. */
  pythonVersion?: string;
  programPath?: string;
  /** Per program run. */
  timeoutMs?: number;
  extensionRoot?: string;
  /** Run the variants this many times, interleaved; the trace keeps each one's median run. */
  repeat?: number;
}

/**
 * Trace any program, unmodified, as `python3 file args…` / `node file args…` would run it in `cwd`
 * (src/engine/traceProgram.ts). Answered like `run`: a `result` with one variant, or an `error`.
 */
export interface HostTraceRequest {
  type: 'trace';
  id: number;
  file: string;
  args: string[];
  cwd: string;
  runtime?: Runtime;
  pythonPath?: string;
  /** As in HostRunRequest. */
  pythonVersion?: string;
  timeoutMs?: number;
  extensionRoot?: string;
}

/** Stop run `id`: its whole process tree is killed and it answers with an error of kind `cancelled`. */
export interface HostCancelRequest {
  type: 'cancel';
  id: number;
}

export type ToHost = HostRunRequest | HostTraceRequest | HostCancelRequest;

// ---- host → extension ----------------------------------------------------------------------------

export interface HostProgress {
  type: 'progress';
  id: number;
  progress: RunProgress;
}

export interface HostResult {
  type: 'result';
  id: number;
  trace: Trace;
}

/** The run failed: `kind` says how, `output` is the program's output tail, `trace` what was measured. */
export interface HostError {
  type: 'error';
  id: number;
  kind: RunErrorKind | 'internal';
  message: string;
  output?: string;
  trace?: Trace;
}

export type FromHost = HostProgress | HostResult | HostError;

/** Ids are chosen by the extension as integers (the host answers a request it cannot read with -1). */
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
/** A path or argument the OS can take: a NUL byte would make the spawn throw. */
const osStr = (v: unknown): v is string => isStr(v) && !v.includes('\0');
const optOsStr = (v: unknown): boolean => optional(v, osStr);
const optRuntime = (v: unknown): boolean => optional(v, isRuntime);
const goodTimeout = (v: unknown): boolean => optional(v, (t) => isNum(t) && t > 0);
const optVersion = (v: unknown): boolean => optional(v, (x) => isStr(x) && /^\d+\.\d+\.\d+$/.test(x));

/** The fields a run and a trace request share, checked; undefined when one is malformed. */
function commonFields(msg: Record<string, unknown>): Pick<HostRunRequest, 'runtime' | 'pythonPath' | 'pythonVersion' | 'timeoutMs' | 'extensionRoot'> | undefined {
  if (!optRuntime(msg.runtime) || !optOsStr(msg.pythonPath) || !optVersion(msg.pythonVersion) || !optOsStr(msg.extensionRoot) || !goodTimeout(msg.timeoutMs)) return undefined;
  return {
    runtime: msg.runtime as Runtime | undefined,
    pythonPath: msg.pythonPath as string | undefined,
    pythonVersion: msg.pythonVersion as string | undefined,
    timeoutMs: msg.timeoutMs as number | undefined,
    extensionRoot: msg.extensionRoot as string | undefined,
  };
}

function parseTrace(msg: Record<string, unknown> & { id: number }): HostTraceRequest | undefined {
  if (!osStr(msg.file) || !msg.file || !osStr(msg.cwd) || !msg.cwd) return undefined;
  if (msg.args !== undefined && !(Array.isArray(msg.args) && msg.args.every(osStr))) return undefined;
  const common = commonFields(msg);
  if (!common) return undefined;
  return { type: 'trace', id: msg.id, file: msg.file, args: [...((msg.args as string[] | undefined) ?? [])], cwd: msg.cwd, ...common };
}

/** Checks a message received by the host: anything else is refused, never thrown on. */
export function parseToHost(msg: unknown): ToHost | undefined {
  if (!isRecord(msg) || !isId(msg.id)) return undefined;
  if (msg.type === 'cancel') return { type: 'cancel', id: msg.id };
  if (msg.type === 'trace') return parseTrace(msg as Record<string, unknown> & { id: number });
  if (msg.type !== 'run' || !isStr(msg.scenario)) return undefined;
  if (msg.params !== undefined && !isRecord(msg.params)) return undefined;
  const common = commonFields(msg);
  if (!common || !optOsStr(msg.programPath) || !(msg.repeat === undefined || isRepeat(msg.repeat))) return undefined;
  return {
    type: 'run',
    id: msg.id,
    scenario: msg.scenario,
    // A plain copy: the request owns its params, whatever object they came in.
    params: { ...((msg.params as Record<string, unknown> | undefined) ?? {}) },
    ...common,
    programPath: msg.programPath as string | undefined,
    repeat: msg.repeat as number | undefined,
  };
}

/** Checks a message received by the extension (the trace's content is checked by its reader). */
export function parseFromHost(msg: unknown): FromHost | undefined {
  if (!isRecord(msg) || !isId(msg.id)) return undefined;
  switch (msg.type) {
    case 'progress':
      return isRunProgress(msg.progress) ? (msg as unknown as HostProgress) : undefined;
    case 'result':
      return isRecord(msg.trace) ? (msg as unknown as HostResult) : undefined;
    case 'error':
      if (!isStr(msg.kind) || !isStr(msg.message)) return undefined;
      if (!optional(msg.output, isStr)) return undefined;
      if (!optional(msg.trace, isRecord)) return undefined;
      return msg as unknown as HostError;
    default:
      return undefined;
  }
}
