/**
 * The command a run starts, for the log: what a learner would type to run the same program without
 * the extension. Pure (no `vscode`).
 */
import * as path from 'node:path';
import { programArgs, variantsFor } from '../../shared/variants';
import { findScenario, validateParams } from '../../shared/scenarios';
import { joinArgs } from './programArgs';
import type { RunSpec, TraceSpec } from './runController';

/** The interpreter, the program and the flags of the scenario's parameters, with the variants it will run in braces. */
export function scenarioCommandLine(extensionPath: string, spec: RunSpec, pythonExecutable: string | undefined): string {
  const info = findScenario(spec.scenario);
  const checked = info && validateParams(info, spec.params);
  if (!info || !checked?.ok) return '(parameters not valid)';
  const interpreter = spec.runtime === 'python' ? (pythonExecutable ?? 'python3') : process.execPath;
  const program = spec.programPath ?? path.join(extensionPath, 'media', 'programs', spec.runtime, `${spec.scenario}.${spec.runtime === 'python' ? 'py' : 'mjs'}`);
  const variants = variantsFor(spec.scenario, spec.runtime, checked.params).map((v) => v.id).join('|');
  return [interpreter, program, ...programArgs(`{${variants}}`, checked.params, info.params)].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** `cd FOLDER && INTERPRETER FILE ARGS…`, each word quoted as a shell would need it. */
export function traceCommandLine(spec: TraceSpec, pythonExecutable: string | undefined): string {
  const interpreter = spec.runtime === 'python' ? (pythonExecutable ?? 'python3') : process.execPath;
  return `cd ${joinArgs([spec.cwd])} && ${joinArgs([interpreter, spec.file, ...spec.args])}`;
}
