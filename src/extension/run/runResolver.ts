/**
 * Decides a run from what was asked, the settings and the interpreter lookup — or says why it
 * cannot run. Pure (no `vscode`; messages through `t`), so every rule is unit-tested without an
 * editor; RunSession asks, shows and follows.
 */
import * as path from 'node:path';
import { isRecord } from '../../shared/guards';
import { progressText, type NoteProgress, type Translate } from '../../shared/progress';
import { isRepeat, MAX_REPEAT, type RunRequest } from '../../shared/protocol';
import { pickRuntime } from '../../shared/runDefaults';
import { findScenario, SCENARIO_IDS, validateParams, type ScenarioInfo } from '../../shared/scenarios';
import { isRuntime, type Runtime } from '../../shared/trace';
import { variantTitles } from '../../shared/variants';
import { paramsWithSettings, type LabSettings } from '../settingsModel';
import type { PythonLookup } from './pythonLocator';
import type { RunSpec, TraceSpec } from './runController';
import type { FailedRun } from './runHints';

/** Arguments of `concurrencyLab.runDemo` (and the panel's run button), unchecked. */
export interface RunArgs {
  scenario?: unknown;
  params?: unknown;
  runtime?: unknown;
  /** 1 to MAX_REPEAT: run the variants that many times and show medians. */
  repeat?: unknown;
}

/** A program to trace as the command decided it: the file, its words, its folder, its runtime.
 *  `timeoutMs` overrides the setting (a walkthrough link that shows a deadlock needs seconds, not a minute). */
export type ProgramToTrace = Pick<TraceSpec, 'file' | 'args' | 'cwd' | 'runtime'> & { timeoutMs?: number };

/** What a run depends on besides its arguments. */
export interface RunContext {
  settings: LabSettings;
  /** The interpreter found for `settings.pythonPath`; undefined when not looked up (see mayUsePython). */
  python: PythonLookup | undefined;
  extensionRoot: string;
  t: Translate;
}

/** A run decided, with what the notification, the log and a failure notice say about it. */
export interface ResolvedRun {
  spec: RunSpec | TraceSpec;
  /** How the panel hears of it: a scenario request it mirrors in its controls, or (a traced program) a note. */
  shown: { request: RunRequest } | { note: NoteProgress };
  title: string;
  describe: string;
  failed: FailedRun;
  /** English variant titles by id, for the progress. */
  titles: ReadonlyMap<string, string>;
}

export interface ResolvedScenarioRun extends ResolvedRun {
  spec: RunSpec;
  shown: { request: RunRequest };
  scenario: ScenarioInfo;
  /** Off the defaults (a parameter, a setting, an edited program): the step's experiment. */
  changed: boolean;
  /** Set when `auto` found no Python and chose Node: why, for the learner. */
  noPython?: string;
}

const runtimeName = (runtime: Runtime): string => (runtime === 'python' ? 'Python' : 'Node');

/** Whether the run may choose Python, so its interpreter must be looked up before resolving. */
export function mayUsePython(args: RunArgs, settings: LabSettings): boolean {
  return pickRuntime(isRuntime(args.runtime) ? args.runtime : settings.runtime, true) === 'python';
}

type CheckedArgs = { scenario: ScenarioInfo; params: Record<string, unknown> | undefined; runtime: Runtime | undefined; repeat: number };

function checkArgs(args: RunArgs, t: Translate): CheckedArgs | { error: string } {
  const scenario = typeof args.scenario === 'string' ? findScenario(args.scenario) : undefined;
  if (!scenario) return { error: t('Unknown scenario {0}. Known scenarios: {1}.', JSON.stringify(args.scenario) ?? 'undefined', SCENARIO_IDS.join(', ')) };
  if (args.params !== undefined && !isRecord(args.params)) return { error: t('The run parameters must be an object such as {"threads": 4}.') };
  if (args.runtime !== undefined && !isRuntime(args.runtime)) return { error: t('Unknown runtime {0}: use "python" or "node".', JSON.stringify(args.runtime) ?? '') };
  if (args.repeat !== undefined && !isRepeat(args.repeat)) return { error: t('Repeat must be a whole number from 1 to {0}.', MAX_REPEAT) };
  return { scenario, params: args.params, runtime: args.runtime, repeat: args.repeat ?? 1 };
}

/** The interpreter already found and checked, by its real path: a version-manager shim on PATH
 *  costs 150–700 ms per start, and the host would check it again. */
const interpreter = (python: PythonLookup | undefined, settings: LabSettings): string | undefined => (python?.ok ? python.python.executable : settings.pythonPath);
/** With its version, so the engine host does not check the interpreter again (a process start per run). */
const checkedVersion = (python: PythonLookup | undefined): { pythonVersion?: string } => (python?.ok ? { pythonVersion: python.python.version } : {});
const notFound = (python: PythonLookup | undefined): string => (python && !python.ok ? `, interpreter not found: ${python.error}` : '');

/** A scenario run: arguments checked, settings merged, parameters validated (once), runtime chosen. */
export function resolveRun(args: RunArgs, ctx: RunContext, programPath?: string): ResolvedScenarioRun | { error: string } {
  const { t, settings } = ctx;
  const checked = checkArgs(args, t);
  if ('error' in checked) return checked;
  const { scenario } = checked;
  const validated = validateParams(scenario, paramsWithSettings(checked.params, scenario.params, settings));
  if (!validated.ok) return { error: t('The parameters for "{0}" are not valid: {1}', t(scenario.title), validated.errors.join('; ')) };
  const choice = checked.runtime ?? settings.runtime;
  const runtime = pickRuntime(choice, ctx.python?.ok === true);
  const python = runtime === 'python' ? ctx.python : undefined;
  const request: RunRequest = { scenario: scenario.id, runtime, params: { ...validated.params }, ...(checked.repeat > 1 ? { repeat: checked.repeat } : {}) };
  const spec: RunSpec = {
    scenario: scenario.id,
    runtime,
    params: request.params,
    pythonPath: interpreter(python, settings),
    ...checkedVersion(python),
    programPath,
    timeoutMs: settings.timeoutSeconds * 1000,
    repeat: request.repeat,
    // The host finds the shipped programs and tracer from here, wherever the bundle runs from.
    extensionRoot: ctx.extensionRoot,
  };
  return {
    spec,
    shown: { request },
    scenario,
    title: t('Running "{0}" on {1}', t(scenario.title), runtimeName(runtime)),
    describe: `${scenario.id} on ${runtime}, params ${JSON.stringify(spec.params)}, timeout ${spec.timeoutMs} ms${notFound(python)}`,
    failed: { label: scenario.id, runtime, source: programPath ? 'copy' : 'demo' },
    titles: variantTitles(scenario.id, runtime, validated.params),
    changed: JSON.stringify(validated.params) !== JSON.stringify(scenario.defaults) || programPath !== undefined,
    noPython: runtime === pickRuntime(choice, true) ? undefined : ctx.python && !ctx.python.ok ? ctx.python.error : 'not looked up',
  };
}

/** A traced program: its runtime is its file's; the interpreter and the timeout come from the settings. */
export function resolveTrace(program: ProgramToTrace, ctx: RunContext): ResolvedRun {
  const python = program.runtime === 'python' ? ctx.python : undefined;
  const spec: TraceSpec = {
    ...program,
    args: [...program.args],
    pythonPath: interpreter(python, ctx.settings),
    ...checkedVersion(python),
    timeoutMs: program.timeoutMs ?? ctx.settings.timeoutSeconds * 1000,
    extensionRoot: ctx.extensionRoot,
  };
  const name = path.basename(program.file);
  const note: NoteProgress = { kind: 'note', note: 'tracing', args: [name, runtimeName(program.runtime)] };
  return {
    spec,
    shown: { note },
    title: progressText(note, ctx.t, String),
    describe: `trace ${program.file} on ${program.runtime}, timeout ${spec.timeoutMs} ms${notFound(python)}`,
    failed: { label: name, runtime: program.runtime, source: 'file' },
    titles: new Map(),
  };
}
