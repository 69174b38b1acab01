/**
 * runScenario: validates the parameters, picks the runtime, runs the scenario's program once per
 * variant (so variants never compete for cores) and returns the measured Trace. Failures reject with
 * a RunError whose `trace` holds what was measured so far.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findScenario, readOutcome, SCENARIO_IDS, validateParams, type ScenarioInfo, type ScenarioParams } from '../shared/scenarios';
import type { Runtime, Trace, Variant } from '../shared/trace';
import { checkTrace } from '../shared/traceCheck';
import { CPU_SCENARIOS } from '../shared/figures';
import { calibrate, calibrationKey } from './calibration';
import { bestMethod } from './cpuSplit';
import { RunError } from './errors';
import { findPackageRoot } from './packageRoot';
import { runProgram, type ProgramRunResult } from './runProgram';
import type { ProgramRuntime, RuntimeInfo } from './runtime';
import { createRuntime } from './runtimes';
import { programArgs, variantsFor, type VariantSpec } from '../shared/variants';
import type { RunProgress } from '../shared/progress';
import { DEFAULT_TIMEOUT_MS, pickRuntime } from '../shared/runDefaults';

export interface RunScenarioOptions {
  /** Unset = automatic: Python when an interpreter is found, else Node (reported by onProgress). */
  runtime?: Runtime;
  signal?: AbortSignal;
  /** `variant` is the spec starting (its English title is the CLI's). */
  onProgress?: (p: RunProgress, variant?: VariantSpec) => void;
  /** Per program run (one variant); default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  pythonPath?: string;
  /** A learner's edited copy of the program, run instead of the shipped one. */
  programPath?: string;
  /** The package root holding media/programs; found from this file when not given. */
  extensionRoot?: string;
  /** Called after each program run (tests use it to check that every pid is gone). */
  onProgramDone?: (r: ProgramRunResult) => void;
  /** Run all the variants this many times, interleaved (A B C A B C …), and keep each variant's
   *  median run, with every repetition's wall time in `repeats`. Default 1. */
  repeat?: number;
  /** Size the CPU-bound demos' work to this machine (default true); false runs the shipped work. */
  calibrate?: boolean;
}

/** The run with the median wall time (the lower middle one for an even count). */
function medianRun(runs: Variant[]): Variant {
  const sorted = [...runs].sort((a, b) => a.wallUs - b.wallUs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function checkRequest(id: string, params: Record<string, unknown>): { scenario: ScenarioInfo; params: ScenarioParams } {
  const scenario = findScenario(id);
  if (!scenario) throw new RunError('bad-params', `unknown scenario "${id}" (known: ${SCENARIO_IDS.join(', ')})`);
  const checked = validateParams(scenario, params);
  if (!checked.ok) throw new RunError('bad-params', checked.errors.join('; '));
  return { scenario, params: checked.params };
}

function failure(r: ProgramRunResult, spec: VariantSpec, timeoutMs: number, program: string): RunError | undefined {
  switch (r.status) {
    case 'ok':
      return undefined;
    case 'timeout':
      return new RunError('timeout', `${spec.title}: timed out after ${Math.round(timeoutMs / 1000)} s — a deadlock?`, undefined, r.output);
    case 'cancelled':
      return new RunError('cancelled', `${spec.title}: cancelled`, undefined, r.output);
    case 'spawn-failed':
      return new RunError('runtime-missing', `could not start the program: ${r.spawnError?.message ?? 'unknown error'}`, undefined, r.output);
    case 'silent':
      return new RunError('protocol', `${program} sent no trace events: the tracer did not load (did it replace its environment?)`, undefined, r.output);
    case 'crashed': {
      const how = r.exit?.signal ? `was killed by ${r.exit.signal}` : `exited with code ${r.exit?.code}`;
      return new RunError('crashed', `${spec.title}: the program ${how}`, undefined, r.output);
    }
  }
}

async function prepareRuntime(rt: ProgramRuntime, signal?: AbortSignal): Promise<RuntimeInfo> {
  if (signal?.aborted) throw new RunError('cancelled', 'cancelled before start');
  return rt.prepare(signal);
}

/** Prepares the requested runtime; unset, `auto` (pickRuntime) with a missing Python runs Node. */
async function chooseRuntime(root: string, opts: RunScenarioOptions): Promise<{ runtimeId: Runtime; rt: ProgramRuntime; info: RuntimeInfo }> {
  const runtimeId = pickRuntime(opts.runtime ?? 'auto', true);
  const rt = createRuntime(runtimeId, { extensionRoot: root, pythonPath: opts.pythonPath });
  try {
    return { runtimeId, rt, info: await prepareRuntime(rt, opts.signal) };
  } catch (e) {
    const missing = e instanceof RunError && (e.kind === 'runtime-missing' || e.kind === 'runtime-too-old');
    // An interpreter the learner named that does not work is an error to fix, never a quiet switch.
    if (opts.runtime !== undefined || opts.pythonPath || runtimeId === 'node' || !missing) throw e;
    opts.onProgress?.({ kind: 'note', note: 'node-fallback', args: [e.message] });
    return chooseRuntime(root, { ...opts, runtime: pickRuntime('auto', false) });
  }
}

export async function runScenario(id: string, params: Record<string, unknown>, opts: RunScenarioOptions = {}): Promise<Trace> {
  const request = checkRequest(id, params);
  const root = opts.extensionRoot ?? findPackageRoot();
  if (!root) throw new RunError('runtime-missing', 'cannot find the concurrency-lab package folder (media/programs)');
  const { runtimeId, rt, info } = await chooseRuntime(root, opts);
  if (!request.scenario.runtimes.includes(runtimeId)) throw new RunError('bad-params', `scenario "${id}" has no ${runtimeId} program`);
  // A relative path is the caller's, resolved before the program runs from its own folder.
  const program = opts.programPath !== undefined ? path.resolve(opts.programPath) : rt.programPath(request.scenario.id);
  if (!fs.existsSync(program)) throw new RunError('crashed', `the program file was not found: ${program}`);

  const trace: Trace = {
    schema: 2,
    scenario: request.scenario.id,
    runtime: runtimeId,
    params: { ...request.params },
    env: { platform: process.platform, cpus: os.cpus().length, node: process.version, stateMethod: 'none' },
    startedAt: new Date().toISOString(),
    variants: [],
    skippedEvents: 0,
  };
  if (runtimeId === 'python') trace.env.python = info.version;
  const specs = variantsFor(request.scenario.id, runtimeId, request.params);
  // The learner's scale multiplies work sized to this machine; the trace keeps the learner's scale.
  const measureTask = rt.measureTask?.bind(rt);
  if (opts.calibrate !== false && CPU_SCENARIOS.has(request.scenario.id) && measureTask) {
    const key = calibrationKey({ runtime: runtimeId, executable: info.executable, version: info.version, program });
    const calibration = await calibrate(
      key,
      () => {
        opts.onProgress?.({ kind: 'note', note: 'sizing-work', args: [] });
        return measureTask(info, program, opts.signal);
      },
      undefined,
      rt.workExponent,
    );
    if (calibration) trace.calibration = calibration;
  }
  const programParams = trace.calibration ? { ...request.params, scale: request.params.scale * trace.calibration.factor } : request.params;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const repeat = Math.max(1, Math.floor(opts.repeat ?? 1));
  // Interleaved, so a machine that gets busier during the run slows every variant alike.
  const runs = new Map<string, Variant[]>();
  const order = Array.from({ length: repeat }, (_, r) => specs.map((spec, i) => ({ spec, i, r }))).flat();
  for (const { spec, i, r } of order) {
    if (opts.signal?.aborted) throw new RunError('cancelled', 'cancelled', trace);
    const command = rt.command(info, program, programArgs(spec.id, programParams, request.scenario.params));
    const round = repeat > 1 ? { round: r + 1, rounds: repeat } : {};
    opts.onProgress?.({ kind: 'variant', variant: spec.id, index: i + 1, count: specs.length, ...round, argv: [command.command, ...command.args] }, spec);
    const result = await runProgram({ command, fallback: spec, timeoutMs, signal: opts.signal });
    // A plain program says its result in its output; the catalogue says how to read it.
    const printed = readOutcome(request.scenario, request.params, result.variants.at(-1)?.output?.filter((o) => o.stream === 'stdout').map((o) => o.text).join('') ?? '');
    const last = result.variants.at(-1);
    if (printed && last && !last.outcome) last.outcome = printed;
    opts.onProgramDone?.(result);
    if (r === 0) trace.variants.push(...result.variants);
    const measured = result.variants.at(-1);
    if (measured) runs.set(spec.id, [...(runs.get(spec.id) ?? []), measured]);
    trace.skippedEvents = (trace.skippedEvents ?? 0) + result.skipped;
    trace.env.stateMethod = bestMethod(trace.env.stateMethod ?? 'none', result.method);
    if (result.hello?.runtime === 'python') {
      trace.env.python = result.hello.version;
      if (result.hello.gil !== undefined) trace.env.gil = result.hello.gil;
    }
    const error = failure(result, spec, timeoutMs, program);
    if (error) {
      const last = trace.variants[trace.variants.length - 1];
      if (last && result.variants.length) last.error = error.message;
      throw new RunError(error.kind, error.message, trace, result.output);
    }
  }
  if (repeat > 1) {
    trace.variants = trace.variants.map((v) => {
      const all = runs.get(v.id);
      if (!all || all.length < 2) return v;
      return { ...medianRun(all), repeats: all.map((x) => x.wallUs) };
    });
    trace.params.repeat = repeat;
  }
  const problems = checkTrace(trace);
  if (problems.length) trace.problems = problems;
  return trace;
}
