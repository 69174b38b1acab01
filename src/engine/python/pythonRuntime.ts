/**
 * Runs Python programs with the learner's interpreter: the lesson's (media/programs/python/<scenario>.py)
 * and any other. `PYTHONPATH` starts with the bootstrap folder, whose `sitecustomize.py` loads the
 * automatic tracer in every Python process of the run (children inherit the environment); the
 * programs folder follows, so a lesson program saved anywhere else still imports `labtrace`.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { ScenarioId } from '../../shared/scenarios';
import type { ProgramCommand, ProgramRuntime, RuntimeInfo, RuntimeOptions } from '../runtime';
import { findPython, type PythonInfo } from './findPython';

/**
 * Loads the program as a module (its `__main__` guard keeps main() from running) and times its own
 * `crunch` on a tenth of `WORK` rounds, best of three, in CPU time of the calling thread; prints the
 * seconds one whole task would take. A `crunch` that reports through a queue gets one.
 */
const MEASURE_TASK = `
import contextlib, importlib.util, inspect, io, queue, sys, time
spec = importlib.util.spec_from_file_location('_clab_measured', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
rounds = max(1, module.WORK // 10)
extra = [queue.SimpleQueue()] if len(inspect.signature(module.crunch).parameters) > 2 else []
best = float('inf')
with contextlib.redirect_stdout(io.StringIO()):
    for _ in range(3):
        start = time.thread_time()
        module.crunch(0, rounds, *extra)
        best = min(best, time.thread_time() - start)
print(best * module.WORK / rounds)
`;
const MEASURE_TIMEOUT_MS = 20_000;

export class PythonRuntime implements ProgramRuntime {
  readonly id = 'python' as const;
  /** The probe costs a process start; one per runtime instance (a settings change makes a new one). */
  private found: Promise<PythonInfo> | undefined;

  constructor(private readonly opts: RuntimeOptions) {}

  get programsDir(): string {
    return path.join(this.opts.extensionRoot, 'media', 'programs', 'python');
  }

  async prepare(signal?: AbortSignal): Promise<RuntimeInfo & { gil: boolean }> {
    this.found ??= findPython({ explicitPath: this.opts.pythonPath, signal });
    let info: PythonInfo;
    try {
      info = await this.found;
    } catch (error) {
      this.found = undefined; // the learner may install Python or fix the setting, then retry
      throw error;
    }
    return { runtime: 'python', version: info.version, executable: info.executable, gil: info.gil };
  }

  get bootstrapDir(): string {
    return path.join(this.programsDir, 'bootstrap');
  }

  /** The environment that makes every Python process of the run load the tracer. */
  private tracedEnv(): Record<string, string> {
    const inherited = process.env.PYTHONPATH;
    const ours = [this.bootstrapDir, this.programsDir].join(path.delimiter);
    return {
      PYTHONPATH: inherited ? `${ours}${path.delimiter}${inherited}` : ours,
      // No __pycache__ beside the learner's files. (A PYTHONPYCACHEPREFIX cache was measured 4–6×
      // slower to start: Python then ignores the standard library's own compiled files.)
      PYTHONDONTWRITEBYTECODE: '1',
    };
  }

  programPath(scenario: ScenarioId): string {
    return path.join(this.programsDir, `${scenario}.py`);
  }

  command(info: RuntimeInfo, program: string, args: string[]): ProgramCommand {
    return {
      command: info.executable,
      // -X utf8: the lesson's file names print on any console code page; -u: output arrives as printed.
      args: ['-X', 'utf8', '-u', program, ...args],
      cwd: path.dirname(program),
      env: this.tracedEnv(),
    };
  }

  measureTask(info: RuntimeInfo, program: string, signal?: AbortSignal): Promise<number | undefined> {
    return new Promise((resolve) => {
      execFile(info.executable, ['-X', 'utf8', '-c', MEASURE_TASK, program], { cwd: path.dirname(program), timeout: MEASURE_TIMEOUT_MS, signal, encoding: 'utf8' }, (error, stdout) => {
        const seconds = Number(stdout.trim().split('\n').at(-1));
        resolve(!error && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined);
      });
    });
  }

  traceCommand(info: RuntimeInfo, file: string, args: string[], cwd: string): ProgramCommand {
    // Unbuffered through the environment (inherited by child processes), so each line is timed
    // when printed; nothing else differs from `python3 FILE ARGS…`.
    return { command: info.executable, args: [file, ...args], cwd, env: { ...this.tracedEnv(), PYTHONUNBUFFERED: '1' } };
  }
}
