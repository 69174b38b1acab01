/**
 * Runs one program process (one variant) under the collector and the sampler: spawns it in its own
 * process group, keeps its output with times (and a tail for error messages), enforces the timeout
 * (asking the program where its threads are stuck before stopping it) and the abort signal (stopping
 * the whole tree), and folds what it reported into Variants.
 */
import type { HelloEvent } from '../shared/events';
import type { OutputStream, StateMethod, Variant } from '../shared/trace';
import { engineNowNs } from './clock';
import { TraceCollector } from './collector';
import { openMachineWindow } from './machineLoad';
import { ProcessTree, type ProgramExit } from './processTree';
import type { ProgramCommand } from './runtime';
import { SchedSampler } from './sampler';
import { TraceBuilder, type TimedOutput } from './traceBuilder';
import type { VariantSpec } from '../shared/variants';

export const OUTPUT_TAIL_CHARS = 64 * 1024;
/** How long to wait for the last events and output after the program exits. */
const DRAIN_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a timed-out program has to say where its threads are. */
const DUMP_MS = 1500;
/** Output kept with times in the trace; beyond it only a count of dropped characters. */
export const OUTPUT_KEPT_CHARS = 4 * 1024 * 1024;

/** The program's output with engine receipt times, up to a limit. */
class TimedOutputLog {
  readonly chunks: TimedOutput[] = [];
  private kept = 0;
  dropped = 0;
  push(stream: OutputStream, text: string): void {
    const room = OUTPUT_KEPT_CHARS - this.kept;
    if (room <= 0) {
      this.dropped += text.length;
      return;
    }
    const piece = text.length > room ? text.slice(0, room) : text;
    this.dropped += text.length - piece.length;
    this.kept += piece.length;
    this.chunks.push({ t: engineNowNs(), stream, text: piece });
  }
}

/** Keeps the last `max` characters of a stream of text. */
export class OutputTail {
  private text = '';
  constructor(private readonly max = OUTPUT_TAIL_CHARS) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max * 2) this.text = this.text.slice(-this.max);
  }
  toString(): string {
    return this.text.length > this.max ? `…${this.text.slice(-this.max)}` : this.text;
  }
}

export type ProgramStatus = 'ok' | 'crashed' | 'timeout' | 'cancelled' | 'silent' | 'spawn-failed';

export interface ProgramRunResult {
  status: ProgramStatus;
  variants: Variant[];
  method: StateMethod;
  hello?: HelloEvent;
  skipped: number;
  output: string;
  exit?: ProgramExit;
  spawnError?: Error;
  /** Pids the run started (main and adopted), for tests that check nothing survives. */
  pids: number[];
}

export interface ProgramRunOptions {
  command: ProgramCommand;
  fallback: VariantSpec;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The program's output as it arrives (the CLI streams it through). */
  onOutput?: (stream: OutputStream, text: string) => void;
}

export async function runProgram(opts: ProgramRunOptions): Promise<ProgramRunResult> {
  const builder = new TraceBuilder();
  const sampler = new SchedSampler();
  const pids = new Set<number>();
  // The collector starts first (the program needs its address); hellos can only arrive once the
  // program runs, and by then `started.tree` is set.
  const started: { tree?: ProcessTree } = {};
  const collector = await TraceCollector.start({
    onEvent: (e) => {
      builder.add(e);
      const ev = e.event;
      if (ev.k === 'hello') {
        if (started.tree?.adopt(ev.pid)) pids.add(ev.pid);
      } else if (ev.k === 'lane' && ev.tid !== undefined) sampler.track(ev.lane, ev.pid, ev.tid, true);
      else if (ev.k === 'state') sampler.setActive(ev.lane, ev.s === 'cpu');
      else if (ev.k === 'end') sampler.untrack(ev.lane);
    },
    onClose: (conn, _pid, at) => builder.connectionClosed(conn, at),
  });

  const output = new OutputTail();
  const timed = new TimedOutputLog();
  const startAt = engineNowNs();
  const machine = openMachineWindow();
  const tree = new ProcessTree(opts.command, { CLAB_TRACE: collector.envValue });
  started.tree = tree;
  pids.add(tree.pid);
  const outputClosed = new Promise<void>((resolve) => tree.child.once('close', () => resolve()));
  const onData = (stream: OutputStream) => (c: string) => {
    output.push(c);
    timed.push(stream, c);
    opts.onOutput?.(stream, c);
  };
  tree.child.stdout?.setEncoding('utf8').on('data', onData('stdout'));
  tree.child.stderr?.setEncoding('utf8').on('data', onData('stderr'));

  let stoppedAt: number | undefined;
  let status: ProgramStatus | undefined;
  const stop = async (why: 'timeout' | 'cancelled'): Promise<void> => {
    if (status || tree.hasExited) return;
    status = why;
    stoppedAt = engineNowNs();
    if (why === 'timeout') await collector.requestDump(DUMP_MS);
    await tree.kill();
  };
  // Timers hold at most 2³¹−1 ms; a longer one would fire at once.
  const timer = setTimeout(() => void stop('timeout'), Math.min(Math.max(1, opts.timeoutMs), MAX_TIMER_MS));
  const onAbort = (): void => void stop('cancelled');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const exit = await tree.exited;
  const otherCpuUs = machine.close();
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (status) {
    await tree.kill(); // make sure the kill that stop() began has finished
  } else {
    tree.reapStragglers();
  }
  // The allowance's timer is cleared once the drain ends: left pending, it kept the CLI alive a second longer.
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([collector.drain(DRAIN_MS), outputClosed]), new Promise<void>((r) => (drainTimer = setTimeout(r, DRAIN_MS)))]);
  clearTimeout(drainTimer);
  // A leftover that still held the pipes has been stopped; never wait on them past this point.
  tree.child.stdout?.destroy();
  tree.child.stderr?.destroy();
  sampler.stop();
  await collector.close();
  for (const p of tree.alivePids()) pids.add(p);

  if (!status) {
    if (tree.spawnError) status = 'spawn-failed';
    else if (exit.code !== 0) status = 'crashed';
    else if (!builder.hello && builder.eventCount === 0) status = 'silent';
    else status = 'ok';
  }
  const built = builder.build({
    exitAt: stoppedAt ?? exit.at,
    startAt,
    fallback: opts.fallback,
    samples: (key) => sampler.samples(key),
    killedRun: status !== 'ok' && !(status === 'crashed' && exit.signal === null),
    output: timed.chunks,
    outputTruncated: timed.dropped,
    exit: status === 'spawn-failed' ? undefined : exit,
  });
  const measured = built.variants.at(-1);
  if (measured && otherCpuUs !== undefined) measured.otherCpuUs = otherCpuUs;
  if (measured && !tree.spawnError) measured.aliveUs = Math.round((exit.at - startAt) / 1000);
  return {
    status,
    variants: built.variants,
    method: built.method,
    hello: built.hello,
    // connections that never authenticated are not the learner's program: never counted here
    skipped: collector.skipped + built.rejected,
    output: output.toString(),
    exit,
    spawnError: tree.spawnError,
    pids: [...pids],
  };
}
