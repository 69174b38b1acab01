/**
 * The engine and extension pieces the benchmark drives, bundled by bench/index.mjs into
 * bench/out/lib.cjs. The benchmark goes through these real seams (collector, process tree, per-variant
 * runner, the extension's run controller, the webview harness) rather than copies of them, so what it
 * measures is what a learner's run goes through.
 */
export { engineNowNs } from '../src/engine/clock';
export { TraceCollector } from '../src/engine/collector';
export { ProcessTree } from '../src/engine/processTree';
export { runProgram } from '../src/engine/runProgram';
export { runScenario } from '../src/engine/runScenario';
export { traceProgram } from '../src/engine/traceProgram';
export { createRuntime } from '../src/engine/runtimes';
export { TraceBuilder } from '../src/engine/traceBuilder';
export { programArgs } from '../src/shared/variants';
export { findPython } from '../src/engine/python/findPython';
export { findScenario, validateParams } from '../src/shared/scenarios';
export { RunController } from '../src/extension/run/runController';
export { PanelHarness } from './render-page';
