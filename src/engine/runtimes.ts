/** Which ProgramRuntime runs the programs of each language: both are always built in. */
import type { Runtime } from '../shared/trace';
import { NodeRuntime } from './nodeRuntime';
import { PythonRuntime } from './python/pythonRuntime';
import type { ProgramRuntime, RuntimeOptions } from './runtime';

const FACTORIES: Record<Runtime, (opts: RuntimeOptions) => ProgramRuntime> = {
  node: (opts) => new NodeRuntime(opts),
  python: (opts) => new PythonRuntime(opts),
};

export function createRuntime(id: Runtime, opts: RuntimeOptions): ProgramRuntime {
  return FACTORIES[id](opts);
}
