/**
 * Runs a Python program under the learner's scheduler: starts the driver
 * (media/programs/python/scheduler/labsched.py) with the learner's interpreter, reads its checked
 * JSON-line messages, and writes the learner's choices. The driver's process group is ended when the
 * session stops, is aborted, or the driver goes quiet for too long in a batch (random/exhaustive) run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { MAX_RANDOM_RUNS, parseDriverMessage, type DriverMessage, type HelloMessage, type SummaryMessage } from '../shared/scheduler';
import { RunError } from './errors';
import { LineSplitter } from './lineSplitter';

const isWindows = process.platform === 'win32';
const GRACE_MS = 1000;

export interface SchedulerOptions {
  /** The interpreter (already checked by findPython). */
  python: string;
  /** The program to run; relative paths are resolved from `cwd`. */
  program: string;
  extensionRoot: string;
  cwd?: string;
  /** Step by bytecode instruction in the program's threads. */
  bytecode?: boolean;
  /** Threads to choose first, in order (a replay); then the session waits for `step`. */
  schedule?: string[];
  signal?: AbortSignal;
}

export function driverPath(extensionRoot: string): string {
  return path.join(extensionRoot, 'media', 'programs', 'python', 'scheduler', 'labsched.py');
}

function driverArgs(opts: SchedulerOptions, extra: string[]): { cwd: string; args: string[] } {
  const cwd = opts.cwd ?? process.cwd();
  const args = ['-X', 'utf8', driverPath(opts.extensionRoot)];
  if (opts.bytecode) args.push('--bytecode');
  if (opts.schedule?.length) args.push('--schedule', JSON.stringify(opts.schedule));
  args.push(...extra, path.resolve(cwd, opts.program));
  return { cwd, args };
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (isWindows) child.kill(sig);
    else process.kill(-child.pid, sig); // the program's own threads' children too
  } catch {
    // already gone
  }
}

/** One interactive run: messages arrive through `onMessage`; `step` chooses the next thread. */
export class SchedulerSession {
  readonly hello: Promise<HelloMessage>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Lines on the driver's stdout that were not valid messages (a program writing to fd 1 itself). */
  skipped = 0;
  private readonly child: ChildProcess;
  private readonly listeners: ((m: DriverMessage) => void)[] = [];
  private stderr = '';

  constructor(opts: SchedulerOptions) {
    const { cwd, args } = driverArgs(opts, []);
    this.child = spawn(opts.python, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: !isWindows, windowsHide: true });
    const lines = new LineSplitter();
    let resolveHello: (h: HelloMessage) => void = () => undefined;
    let rejectHello: (e: Error) => void = () => undefined;
    this.hello = new Promise((res, rej) => {
      resolveHello = res;
      rejectHello = rej;
    });
    this.hello.catch(() => undefined); // observed through `exited` when nobody awaits it
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) {
        const m = parseDriverMessage(line);
        if (!m) {
          this.skipped++;
          continue;
        }
        if (m.type === 'hello') resolveHello(m);
        if (m.type === 'error' && !this.started) rejectHello(new RunError('crashed', m.message));
        for (const l of this.listeners) l(m);
      }
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk;
    });
    this.child.stdin?.on('error', () => undefined); // the driver may exit before reading a command
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        rejectHello(new RunError('runtime-missing', `could not start ${opts.python}: ${e.message}`));
        resolve({ code: null, signal: null, stderr: e.message });
      });
      this.child.once('exit', (code, sig) => {
        rejectHello(new RunError('crashed', `the scheduler ended before the program started${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`));
        resolve({ code, signal: sig, stderr: this.stderr });
      });
    });
    void this.hello.then(() => (this.started = true));
    opts.signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  private started = false;

  onMessage(listener: (m: DriverMessage) => void): void {
    this.listeners.push(listener);
  }

  /** Chooses the thread that runs its next step. */
  step(thread: string): void {
    this.child.stdin?.write(`${JSON.stringify({ cmd: 'step', thread })}\n`);
  }

  /** Ends the run: the driver unwinds the program's threads and exits; killed if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    const timer = setTimeout(() => killGroup(this.child, 'SIGTERM'), GRACE_MS);
    const hard = setTimeout(() => killGroup(this.child, 'SIGKILL'), 2 * GRACE_MS);
    await this.exited;
    clearTimeout(timer);
    clearTimeout(hard);
    killGroup(this.child, 'SIGKILL'); // anything the program left in its group
  }
}

export interface BatchOptions extends Omit<SchedulerOptions, 'schedule'> {
  /** Random schedules: how many runs, and the seed (random when absent). */
  random?: { runs: number; seed?: number };
  /** Every reachable state, up to `limit` runs. */
  exhaustive?: { limit?: number };
  /** Ends the batch if it takes longer (default 120 s). */
  timeoutMs?: number;
}

/** Runs a level many times without the learner: random schedules, or all of them. */
export async function runSchedules(opts: BatchOptions): Promise<SummaryMessage> {
  const extra: string[] = [];
  if (opts.random) {
    const runs = opts.random.runs;
    if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RANDOM_RUNS) throw new RunError('bad-params', `random runs must be a whole number from 1 to ${MAX_RANDOM_RUNS}`);
    extra.push('--random', String(runs));
    if (opts.random.seed !== undefined) extra.push('--seed', String(Math.trunc(opts.random.seed)));
  } else {
    extra.push('--exhaustive', '--limit', String(opts.exhaustive?.limit ?? 100_000));
  }
  const { cwd, args } = driverArgs(opts, extra);
  const child = spawn(opts.python, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: !isWindows, windowsHide: true });
  const lines = new LineSplitter();
  let summary: SummaryMessage | undefined;
  let error = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    for (const line of lines.push(chunk)) {
      const m = parseDriverMessage(line);
      if (m?.type === 'random' || m?.type === 'exhaustive') summary = m;
      else if (m?.type === 'error') error ||= m.message;
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    if (stderr.length < 64 * 1024) stderr += c;
  });
  const stopAll = (): void => killGroup(child, 'SIGKILL');
  const timer = setTimeout(stopAll, opts.timeoutMs ?? 120_000);
  opts.signal?.addEventListener('abort', stopAll, { once: true });
  const exit = await new Promise<{ code: number | null; spawnError?: Error }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, spawnError: e }));
    child.once('close', (code) => resolve({ code }));
  });
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', stopAll);
  stopAll();
  if (exit.spawnError) throw new RunError('runtime-missing', `could not start ${opts.python}: ${exit.spawnError.message}`);
  if (opts.signal?.aborted) throw new RunError('cancelled', 'cancelled');
  if (!summary) throw new RunError('crashed', error || `the scheduler stopped without a result${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
  return summary;
}
