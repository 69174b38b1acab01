/**
 * Runs the lesson's Python programs (media/programs/python/<scenario>.py) with the learner's
 * interpreter. The tracer `labtrace.py` lives beside them; PYTHONPATH points there so a learner's
 * edited copy saved anywhere else still imports it.
 */
import * as path from 'node:path';
import type { ScenarioId } from '../../shared/scenarios';
import type { ProgramCommand, ProgramRuntime, RuntimeInfo, RuntimeOptions } from '../runtime';
import { findPython, type PythonInfo } from './findPython';

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

  programPath(scenario: ScenarioId): string {
    return path.join(this.programsDir, `${scenario}.py`);
  }

  command(info: RuntimeInfo, program: string, args: string[]): ProgramCommand {
    const inherited = process.env.PYTHONPATH;
    return {
      command: info.executable,
      // -X utf8: the lesson's file names print on any console code page; -u: output arrives as printed.
      args: ['-X', 'utf8', '-u', program, ...args],
      cwd: path.dirname(program),
      env: {
        PYTHONPATH: inherited ? `${this.programsDir}${path.delimiter}${inherited}` : this.programsDir,
        // No __pycache__ beside the learner's copy. (A PYTHONPYCACHEPREFIX cache was measured 4–6×
        // slower to start: Python then ignores the standard library's own compiled files.)
        PYTHONDONTWRITEBYTECODE: '1',
      },
    };
  }
}
