/**
 * traceProgram: runs any Python or Node program exactly as `python3 FILE ARGS…` / `node FILE ARGS…`
 * would — its own arguments, the caller's working folder, its output streamed through — with the
 * automatic tracer loaded in every process, and returns one measured variant: lanes, states, the
 * output with times, the exit code, and for a run that timed out, where each thread was stuck.
 * A program that fails is a result, not an error; only a run that could not happen (no interpreter,
 * no file, cancelled) rejects with a RunError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputStream, Runtime, Trace } from '../shared/trace';
import { checkTrace } from '../shared/traceCheck';
import { RunError } from './errors';
import { findPackageRoot } from './packageRoot';
import { runProgram, type ProgramRunResult } from './runProgram';
import type { RunProgress } from '../shared/progress';
import { DEFAULT_TIMEOUT_MS } from '../shared/runDefaults';
import { createRuntime } from './runtimes';

export interface TraceProgramOptions {
  /** Unset: from the file's extension (.py → python; .mjs, .js, .cjs → node). */
  runtime?: Runtime;
  pythonPath?: string;
  timeoutMs?: number;
  /** The working folder the program runs in and `file` is resolved from; default: this process's. */
  cwd?: string;
  signal?: AbortSignal;
  onOutput?: (stream: OutputStream, text: string) => void;
  extensionRoot?: string;
  onProgramDone?: (r: ProgramRunResult) => void;
  /** The program starting, with the command as spawned (the extension's log shows it). */
  onProgress?: (p: RunProgress) => void;
}

const BY_EXTENSION: Record<string, Runtime> = { '.py': 'python', '.pyw': 'python', '.mjs': 'node', '.js': 'node', '.cjs': 'node' };

export function runtimeForFile(file: string): Runtime | undefined {
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}

export async function traceProgram(file: string, args: string[], opts: TraceProgramOptions = {}): Promise<Trace> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const absolute = path.resolve(cwd, file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(absolute);
  } catch {
    stat = undefined;
  }
  if (!stat?.isFile()) throw new RunError('bad-params', `no such program file: ${absolute}`);
  const runtimeId = opts.runtime ?? runtimeForFile(absolute);
  if (!runtimeId) throw new RunError('bad-params', `cannot tell how to run ${path.basename(absolute)}: use --runtime python or --runtime node`);
  const root = opts.extensionRoot ?? findPackageRoot();
  if (!root) throw new RunError('runtime-missing', 'cannot find the concurrency-lab package folder (media/programs)');
  const rt = createRuntime(runtimeId, { extensionRoot: root, pythonPath: opts.pythonPath });
  if (opts.signal?.aborted) throw new RunError('cancelled', 'cancelled before start');
  const info = await rt.prepare(opts.signal);

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const command = rt.traceCommand(info, file, args, cwd);
  opts.onProgress?.({ kind: 'variant', variant: 'program', index: 1, count: 1, argv: [command.command, ...command.args] });
  const result = await runProgram({
    command,
    fallback: { id: 'program', title: path.basename(absolute) },
    timeoutMs,
    signal: opts.signal,
    onOutput: opts.onOutput,
  });
  opts.onProgramDone?.(result);

  const trace: Trace = {
    schema: 2,
    scenario: 'program',
    runtime: runtimeId,
    params: {},
    env: { platform: process.platform, cpus: os.cpus().length, node: process.version, stateMethod: result.method },
    startedAt: new Date().toISOString(),
    program: { path: absolute, args: [...args] },
    variants: result.variants,
    skippedEvents: result.skipped,
  };
  if (runtimeId === 'python') {
    trace.env.python = result.hello?.version ?? info.version;
    if (result.hello?.gil !== undefined) trace.env.gil = result.hello.gil;
  }
  const variant = trace.variants[0];
  switch (result.status) {
    case 'spawn-failed':
      throw new RunError('runtime-missing', `could not start ${info.executable}: ${result.spawnError?.message ?? 'unknown error'}`, trace, result.output);
    case 'cancelled':
      throw new RunError('cancelled', 'cancelled', trace, result.output);
    case 'timeout':
      variant.error = `timed out after ${Math.round(timeoutMs / 1000)} s${variant.stuck?.deadlock ? ' (a deadlock)' : ''}`;
      break;
    case 'silent':
      variant.error = 'the program sent no trace events: the tracer did not load (did it replace its environment?)';
      break;
    default:
      break;
  }
  const problems = checkTrace(trace);
  if (problems.length) trace.problems = problems;
  return trace;
}
