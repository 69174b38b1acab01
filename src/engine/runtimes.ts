/**
 * The runtime registry: which ProgramRuntime runs the programs of each language. The engine asks
 * here, so a runtime plugs in with one `registerRuntime` line and no change to runScenario.
 */
import type { Runtime } from '../shared/trace';
import { NodeRuntime } from './nodeRuntime';
import { PythonRuntime } from './python/pythonRuntime';
import type { ProgramRuntime, RuntimeFactory, RuntimeOptions } from './runtime';

const factories = new Map<Runtime, RuntimeFactory>();

export function registerRuntime(id: Runtime, factory: RuntimeFactory): void {
  factories.set(id, factory);
}

export function isRuntimeRegistered(id: Runtime): boolean {
  return factories.has(id);
}

export function createRuntime(id: Runtime, opts: RuntimeOptions): ProgramRuntime | undefined {
  return factories.get(id)?.(opts);
}

registerRuntime('node', (opts) => new NodeRuntime(opts));

// ---- Python runtime (src/engine/python/, its own owner) -------------------------------------------
registerRuntime('python', (opts) => new PythonRuntime(opts));
// --------------------------------------------------------------------------------------------------
