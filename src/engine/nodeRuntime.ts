/**
 * Runs Node programs with the Node that runs the engine: the lesson's (media/programs/node/<scenario>.mjs)
 * and any other. Inside VS Code that is the editor's Electron binary, which behaves as plain Node
 * only with ELECTRON_RUN_AS_NODE set, so every command sets it. The automatic tracer is preloaded
 * through NODE_OPTIONS, which every Worker and Node child process of the run inherits.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioId } from '../shared/scenarios';
import { RunError } from './errors';
import type { ProgramCommand, ProgramRuntime, RuntimeInfo, RuntimeOptions } from './runtime';

/** worker_threads with resourceLimits and AbortSignal.timeout are used by the programs. */
const MIN_NODE_MAJOR = 18;
/** How many of a program's own modules are read to see whether it traces itself. */
const MAX_SCANNED_MODULES = 50;
const MAX_SCANNED_BYTES = 1 << 20;

/**
 * True when the program, or a module it imports from beside it, speaks the event protocol itself
 * (it reads CLAB_TRACE: an explicit `labtrace.mjs` program, or a hand-written client). Such a
 * program is run without the preload, so its threads are not drawn twice. Static imports and
 * `new URL('./x', import.meta.url)` (a Worker's or child's file) are followed; what cannot be read
 * counts as plain.
 */
export function tracesItself(program: string): boolean {
  const seen = new Set<string>();
  const queue = [path.resolve(program)];
  while (queue.length && seen.size < MAX_SCANNED_MODULES) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      if (fs.statSync(file).size > MAX_SCANNED_BYTES) continue; // a bundle or data, not the program's own code
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (text.includes('CLAB_TRACE')) return true;
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      queue.push(path.resolve(path.dirname(file), m[1]));
    }
  }
  return false;
}

/**
 * Times the programs' own `countPrimes(PRIME_LIMIT)` from `common.mjs` beside the program, best of
 * two, in the process's CPU time (a busy machine does not skew it); prints the seconds.
 */
const MEASURE_TASK = `
const { countPrimes, PRIME_LIMIT } = await import(process.argv[1]);
let best = Infinity;
for (let i = 0; i < 2; i++) {
  const start = process.cpuUsage();
  countPrimes(PRIME_LIMIT);
  const used = process.cpuUsage(start);
  best = Math.min(best, (used.user + used.system) / 1e6);
}
console.log(best);
`;
const MEASURE_TIMEOUT_MS = 20_000;

export class NodeRuntime implements ProgramRuntime {
  readonly id = 'node' as const;
  /** Counting primes below n by trial division takes time ∝ n^1.4 (measured here: ×2.75 from scale
   *  0.5 to 1, ×2.49 from 1 to 2). */
  readonly workExponent = 1.4;

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

  /** The environment that loads the automatic tracer in every thread and Node process of the run. */
  private tracedEnv(): Record<string, string> {
    const preload = pathToFileURL(path.join(this.opts.extensionRoot, 'media', 'programs', 'node', 'autotrace.mjs')).href;
    const inherited = process.env.NODE_OPTIONS;
    return { ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: `--import=${preload}${inherited ? ` ${inherited}` : ''}` };
  }

  measureTask(info: RuntimeInfo, program: string, signal?: AbortSignal): Promise<number | undefined> {
    const common = path.join(path.dirname(program), 'common.mjs');
    if (!fs.existsSync(common)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      execFile(
        info.executable,
        ['--input-type=module', '-e', MEASURE_TASK, pathToFileURL(common).href],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' }, timeout: MEASURE_TIMEOUT_MS, signal, encoding: 'utf8' },
        (error, stdout) => {
          const seconds = Number(stdout.trim().split('\n').at(-1));
          resolve(!error && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined);
        },
      );
    });
  }

  /** The lesson programs are plain code, traced by the preload like any other program. */
  command(info: RuntimeInfo, program: string, args: string[]): ProgramCommand {
    return {
      command: info.executable,
      args: [program, ...args],
      cwd: path.dirname(program),
      env: tracesItself(program) ? { ELECTRON_RUN_AS_NODE: '1' } : this.tracedEnv(),
    };
  }

  traceCommand(info: RuntimeInfo, file: string, args: string[], cwd: string): ProgramCommand {
    const env = tracesItself(path.resolve(cwd, file)) ? { ELECTRON_RUN_AS_NODE: '1' } : this.tracedEnv();
    return { command: info.executable, args: [file, ...args], cwd, env };
  }
}
