/** The engine's public face: what the extension host process, the CLI and the tests import. */
export { runScenario } from './runScenario';
export type { RunScenarioOptions } from './runScenario';
export { killProcessTree } from './processTree';
export { RunError } from './errors';
export type { RunErrorKind } from './errors';
export { createRuntime } from './runtimes';
export { findPackageRoot } from './packageRoot';
export { traceProgram, runtimeForFile } from './traceProgram';
export { findPython } from './python/findPython';
export type { PythonInfo, FindPythonOptions } from './python/findPython';
export type { TraceProgramOptions } from './traceProgram';
export { runSchedules, SchedulerSession } from './scheduler';
