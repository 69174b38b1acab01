/**
 * Runs the Node scenario programs (media/programs/node/<scenario>.mjs) with the Node that runs the
 * engine. Inside VS Code that is the editor's Electron binary, which behaves as plain Node only with
 * ELECTRON_RUN_AS_NODE set, so the command always sets it.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioId } from '../shared/scenarios';
import { RunError } from './errors';
import type { ProgramCommand, ProgramRuntime, RuntimeInfo, RuntimeOptions } from './runtime';

/** worker_threads with resourceLimits and AbortSignal.timeout are used by the programs. */
const MIN_NODE_MAJOR = 18;

export class NodeRuntime implements ProgramRuntime {
  readonly id = 'node' as const;

  constructor(private readonly opts: RuntimeOptions) {}

  async prepare(): Promise<RuntimeInfo> {
    const major = Number(process.versions.node.split('.')[0]);
    if (major < MIN_NODE_MAJOR) {
      throw new RunError('runtime-too-old', `Node ${process.version} is too old for the demos; Node ${MIN_NODE_MAJOR} or newer is needed.`);
    }
    return { runtime: 'node', version: process.version, executable: process.execPath };
  }

  programPath(scenario: ScenarioId): string {
    return path.join(this.opts.extensionRoot, 'media', 'programs', 'node', `${scenario}.mjs`);
  }

  command(info: RuntimeInfo, program: string, args: string[]): ProgramCommand {
    return {
      command: info.executable,
      args: [program, ...args],
      cwd: path.dirname(program),
      env: { ELECTRON_RUN_AS_NODE: '1' },
    };
  }

  traceCommand(info: RuntimeInfo, file: string, args: string[], cwd: string): ProgramCommand {
    const preload = pathToFileURL(path.join(this.opts.extensionRoot, 'media', 'programs', 'node', 'autotrace.mjs')).href;
    const inherited = process.env.NODE_OPTIONS;
    // Through NODE_OPTIONS the preload reaches every Worker and every Node child process too.
    const nodeOptions = `--import=${preload}${inherited ? ` ${inherited}` : ''}`;
    return { command: info.executable, args: [file, ...args], cwd, env: { ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: nodeOptions } };
  }
}
