/**
 * A runtime runs the scenario programs of one language. The engine is written against this interface,
 * so a runtime plugs in without changing runScenario's callers.
 */
import type { ScenarioId } from '../shared/scenarios';
import type { Runtime } from '../shared/trace';

export interface RuntimeInfo {
  runtime: Runtime;
  /** Interpreter version, e.g. `3.12.4` or `v20.20.2`. */
  version: string;
  /** The executable that will run the programs. */
  executable: string;
}

export interface ProgramCommand {
  command: string;
  args: string[];
  cwd: string;
  /** Extra environment for the program (the engine adds CLAB_TRACE itself). */
  env?: Record<string, string>;
}

export interface ProgramRuntime {
  readonly id: Runtime;
  /** Finds and checks the interpreter. Rejects with a RunError of kind `runtime-missing` or
   *  `runtime-too-old` whose message says what to do. */
  prepare(signal?: AbortSignal): Promise<RuntimeInfo>;
  /** Absolute path of the scenario's program shipped with the project. */
  programPath(scenario: ScenarioId): string;
  /** The command that runs `program` (the shipped one or a learner's edited copy) with `args`. */
  command(info: RuntimeInfo, program: string, args: string[]): ProgramCommand;
  /** The command that runs any program as `python3 FILE ARGS…` / `node FILE ARGS…` would, from
   *  `cwd`, with the automatic tracer loaded and nothing added to its arguments. */
  traceCommand(info: RuntimeInfo, file: string, args: string[], cwd: string): ProgramCommand;
  /** CPU seconds one task of a CPU-bound demo program takes at scale 1, measured untraced by
   *  running the program's own work function; undefined when it cannot be measured. */
  measureTask?(info: RuntimeInfo, program: string, signal?: AbortSignal): Promise<number | undefined>;
  /** How a task's time grows with the scale: time ∝ scale^workExponent (1 when it is linear). */
  readonly workExponent?: number;
}

/** What a runtime needs to find its interpreter and the shipped programs. */
export interface RuntimeOptions {
  /** The package root (holds `media/programs/`). */
  extensionRoot: string;
  /** The learner's Python interpreter setting (`concurrencyLab.pythonPath`), if any. */
  pythonPath?: string;
}
