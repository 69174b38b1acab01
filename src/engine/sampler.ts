/**
 * Samples the kernel's per-thread scheduler accounting, `/proc/<pid>/task/<tid>/schedstat`
 * (field 1 = ns spent on a CPU, field 2 = ns runnable but waiting for one), for the lanes that are
 * in `cpu` intent, every few ms. When a reading shows the thread spent part of the interval neither
 * on a CPU nor queued for one, the sampler also reads `…/syscall` to learn what it is asleep in
 * (a futex — in CPython, the GIL when the wait is timed — or some other system call). The trace
 * builder turns the deltas into measured `running`, `core-wait`, `gil-wait` and `blocked` time.
 * Each lane's files stay open and are re-read at offset 0 (procfs regenerates them), a few µs per
 * read. Not Linux (or no schedstat): `available` is false and nothing is sampled.
 */
import * as fs from 'node:fs';
import { engineNowNs } from './clock';
import { parseSyscallFile, type KernelView } from './syscalls';

export interface RunSample {
  /** Engine time of the read, ns. */
  t: number;
  /** Cumulative ns on a CPU. */
  run: number;
  /** Cumulative ns runnable but waiting. */
  wait: number;
  /** What the thread was doing at the reading, when it had spent time off the CPU since the last. */
  view?: KernelView;
}

/** Off-CPU time (neither running nor queued) since the last reading above which `syscall` is read. */
const OFF_CPU_READ_NS = 1_000_000;

export const SAMPLE_INTERVAL_MS = 4;

/**
 * A state change within this long of the thread's last reading takes none. Tracers send their events
 * in batches (Python every 50 ms at most), so a busy lane's changes arrive hundreds at a time: readings
 * µs apart carry no news, and a queue ping-pong's ~50 k changes a second at 5–9 µs a read would keep
 * the engine a quarter of a core busy beside the program.
 */
const MIN_EVENT_READ_GAP_NS = 1_000_000;

interface TrackedThread {
  fd: number;
  /** `…/syscall`, opened on first need; -1 when it cannot be read (another user's process). */
  sysFd?: number;
  path: string;
  active: boolean;
  samples: RunSample[];
}

let availableCache: boolean | undefined;

/** Whether this machine exposes per-thread schedstat (checked once, on our own main thread). */
export function schedstatAvailable(): boolean {
  if (availableCache === undefined) {
    try {
      availableCache = parseSchedstat(fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8')) !== undefined;
    } catch {
      availableCache = false;
    }
  }
  return availableCache;
}

export function parseSchedstat(text: string): { run: number; wait: number } | undefined {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  return Number.isFinite(run) && Number.isFinite(wait) ? { run, wait } : undefined;
}

export class SchedSampler {
  private readonly threads = new Map<string, TrackedThread>();
  private readonly ended = new Map<string, RunSample[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly buffer = Buffer.alloc(256);
  /** Cost accounting, so the overhead can be measured and reported. */
  readonly stats = { reads: 0, busyNs: 0, ticks: 0, startedAt: engineNowNs() };

  constructor(
    readonly enabled = schedstatAvailable(),
    private readonly intervalMs = SAMPLE_INTERVAL_MS,
  ) {}

  /** Starts sampling `key`'s thread; `active` = it is in `cpu` intent now. */
  track(key: string, pid: number, tid: number, active: boolean): void {
    if (!this.enabled || this.threads.has(key)) return;
    let fd: number;
    try {
      fd = fs.openSync(`/proc/${pid}/task/${tid}/schedstat`, 'r');
    } catch {
      return; // the thread is already gone, or lives in another pid namespace
    }
    this.threads.set(key, { fd, active, samples: [], path: `/proc/${pid}/task/${tid}` });
    this.sample(key);
    if (active) this.ensureTimer();
  }

  /** The lane changed state: take a sample now (closing the previous interval) and note the intent. */
  setActive(key: string, active: boolean): void {
    const th = this.threads.get(key);
    if (!th) return;
    const last = th.samples[th.samples.length - 1];
    if (!last || engineNowNs() - last.t >= MIN_EVENT_READ_GAP_NS) this.sample(key);
    th.active = active;
    if (active) this.ensureTimer();
  }

  /** The lane ended: one last sample, then stop reading its file. */
  untrack(key: string): void {
    const th = this.threads.get(key);
    if (!th) return;
    this.sample(key);
    this.close(key, th);
  }

  /** Every sample taken for `key`, in time order. */
  samples(key: string): RunSample[] | undefined {
    return this.threads.get(key)?.samples ?? this.ended.get(key);
  }

  get hasSamples(): boolean {
    for (const th of this.threads.values()) if (th.samples.length) return true;
    for (const s of this.ended.values()) if (s.length) return true;
    return false;
  }

  /** Reads one thread's counters now. Returns false when the thread has gone. */
  sample(key: string): boolean {
    const th = this.threads.get(key);
    if (!th) return false;
    const start = engineNowNs();
    let parsed: { run: number; wait: number } | undefined;
    try {
      const n = fs.readSync(th.fd, this.buffer, 0, this.buffer.length, 0);
      parsed = parseSchedstat(this.buffer.toString('latin1', 0, n));
    } catch {
      parsed = undefined; // ESRCH: the thread exited
    }
    const end = engineNowNs();
    this.stats.reads++;
    this.stats.busyNs += end - start;
    if (!parsed) {
      this.close(key, th);
      return false;
    }
    const t = Math.round((start + end) / 2);
    const prev = th.samples[th.samples.length - 1];
    const sample: RunSample = { t, run: parsed.run, wait: parsed.wait };
    if (!prev || t - prev.t - (parsed.run - prev.run) - (parsed.wait - prev.wait) > OFF_CPU_READ_NS) {
      const view = this.readSyscall(th);
      if (view) sample.view = view;
    }
    th.samples.push(sample);
    return true;
  }

  private readSyscall(th: TrackedThread): KernelView | undefined {
    const start = engineNowNs();
    try {
      th.sysFd ??= fs.openSync(`${th.path}/syscall`, 'r');
      if (th.sysFd < 0) return undefined;
      const n = fs.readSync(th.sysFd, this.buffer, 0, this.buffer.length, 0);
      return parseSyscallFile(this.buffer.toString('latin1', 0, n));
    } catch {
      th.sysFd ??= -1; // not readable here (permissions, no such file): schedstat alone
      return undefined;
    } finally {
      this.stats.busyNs += engineNowNs() - start;
    }
  }

  /** Busy time of the sampler as a fraction of one core since it was created. */
  overhead(): number {
    const elapsed = engineNowNs() - this.stats.startedAt;
    return elapsed > 0 ? this.stats.busyNs / elapsed : 0;
  }

  stop(): void {
    this.stopTimer();
    for (const [key, th] of this.threads) this.close(key, th);
  }

  private tick(): void {
    const start = engineNowNs();
    const readsBusy = this.stats.busyNs;
    this.stats.ticks++;
    let active = 0;
    for (const [key, th] of this.threads) {
      if (!th.active) continue;
      active++;
      this.sample(key);
    }
    // nobody wants the CPU (all sleeping, waiting, or gone): no timer until someone does
    if (active === 0) this.stopTimer();
    // sample() counted its reads already; add only the loop's own cost around them
    const loop = engineNowNs() - start - (this.stats.busyNs - readsBusy);
    this.stats.busyNs += Math.max(0, loop);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private close(key: string, th: TrackedThread): void {
    for (const fd of [th.fd, th.sysFd ?? -1]) {
      if (fd < 0) continue;
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.threads.delete(key);
    this.ended.set(key, th.samples);
  }
}
