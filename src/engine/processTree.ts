/**
 * Starts a program in its own process group and stops the whole tree: the program, its children
 * (multiprocessing workers, child_process children) and every process that carries the run's
 * marker in its environment — the unique `CLAB_TRACE` value every process of the run inherits —
 * even if it left the group (a new session, a double fork). A process is never stopped because it
 * *said* it belongs to the run: on Linux the marker is checked in `/proc/<pid>/environ`.
 * POSIX: SIGTERM to the group, SIGKILL after a grace period. Windows: `taskkill /T /F`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { engineNowNs } from './clock';
import type { ProgramCommand } from './runtime';

export const KILL_GRACE_MS = 1500;
const isWindows = process.platform === 'win32';

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Engine time of the exit, ns. */
  at: number;
}

/** True while `pid` exists and is not a zombie (an unreaped zombie has stopped running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !fs.existsSync('/proc/self'); // no procfs: trust kill(0)
  }
}

/** Whether `pid`'s environment holds `marker` (a `NAME=value` entry). False when it cannot be read. */
export function carriesMarker(pid: number, marker: string): boolean {
  try {
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    return env.startsWith(`${marker}\0`) || env.includes(`\0${marker}\0`) || env === marker || env.endsWith(`\0${marker}`);
  } catch {
    return false;
  }
}

/** Every live process (but this one) whose environment holds `marker`: Linux only, else none. */
export function processesCarrying(marker: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => pid !== process.pid && carriesMarker(pid, marker) && isAlive(pid));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ProcessTree {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<ProgramExit>;
  private exit: ProgramExit | undefined;
  private readonly adopted = new Set<number>();
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError: Error | undefined;

  /** `NAME=value` that every process of this run carries in its environment. */
  private readonly marker: string | undefined;

  constructor(cmd: ProgramCommand, env: Record<string, string>) {
    const [name, value] = Object.entries(env)[0] ?? [];
    this.marker = name !== undefined ? `${name}=${value}` : undefined;
    this.child = spawn(cmd.command, cmd.args, {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: !isWindows, // its own process group, so one signal reaches every descendant
      windowsHide: true,
    });
    this.exited = new Promise<ProgramExit>((resolve) => {
      const done = (code: number | null, sig: NodeJS.Signals | null): void => {
        this.exit ??= { code, signal: sig, at: engineNowNs() };
        resolve(this.exit);
      };
      this.child.once('exit', done);
      // spawn failures (ENOENT, EACCES) emit 'error' and no 'exit'
      this.child.once('error', (e) => {
        this.spawnError = e;
        done(null, null);
      });
    });
    this.pid = this.child.pid ?? -1;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /**
   * A process announced itself as part of the run (e.g. a multiprocessing child): it is stopped with
   * the rest only if it really carries the run's marker. Returns whether it was adopted.
   */
  adopt(pid: number): boolean {
    if (!(pid > 0) || pid === this.pid || pid === process.pid || !this.marker || !carriesMarker(pid, this.marker)) return false;
    this.adopted.add(pid);
    return true;
  }

  /** Processes of the run found by their marker (daemonized ones included), remembered once seen. */
  private sweep(): void {
    if (this.marker) for (const p of processesCarrying(this.marker)) this.adopted.add(p);
  }

  /** Every pid of the run that is still alive. */
  alivePids(): number[] {
    this.sweep();
    return [this.pid, ...this.adopted].filter((p) => p > 0 && isAlive(p));
  }

  private groupAlive(): boolean {
    if (isWindows || this.pid <= 0) return false;
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private signalAll(sig: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    if (isWindows) {
      spawnSync('taskkill', ['/T', '/F', '/PID', String(this.pid)], { windowsHide: true, stdio: 'ignore' });
    } else {
      signal(-this.pid, sig);
      signal(this.pid, sig);
    }
    for (const p of this.adopted) if (isAlive(p)) signal(p, sig);
  }

  /** Stops the whole tree: SIGTERM, then SIGKILL for whatever is left after `graceMs`. */
  async kill(graceMs = KILL_GRACE_MS): Promise<void> {
    this.sweep();
    this.signalAll('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (!this.hasExited || this.alivePids().length > 0)) await sleep(10);
    if (!this.hasExited || this.groupAlive() || this.alivePids().length > 0) this.signalAll('SIGKILL');
    await Promise.race([this.exited, sleep(graceMs)]);
  }

  /** After a normal exit: stop anything the program left behind (an orphaned or daemonized child). */
  reapStragglers(): void {
    this.sweep();
    if (this.groupAlive() || [...this.adopted].some(isAlive)) this.signalAll('SIGKILL');
  }
}

/** Parent pid of every live process: from /proc on Linux, else (macOS) from `ps`. */
async function parentPids(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  if (process.platform === 'linux') {
    for (const entry of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name (2nd field) may hold spaces and parentheses: parse after its last ')'.
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // The process ended while we listed it.
      }
    }
    return parents;
  }
  const stdout = await new Promise<string>((resolve) => execFile('ps', ['-A', '-o', 'pid=,ppid='], (err, out) => resolve(err ? '' : out)));
  for (const line of stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid, ppid);
  }
  return parents;
}

/** Every descendant of `root` (children first-level first), given a pid → parent map. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const seen = new Set<number>([root]);
  for (const queue = [root]; queue.length; ) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Kills `pid` (the extension's engine host) and all its descendants at once. On POSIX the tree is
 * listed first, so re-parenting cannot hide grandchildren, and the group is killed too, which
 * catches anything started between listing and killing.
 */
export async function killProcessTree(pid: number | undefined): Promise<void> {
  // A child that never started has no pid; and kill(-1) would signal every process we may signal.
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) return;
  if (isWindows) {
    await new Promise<void>((resolve) => execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => resolve()));
    return;
  }
  const tree = [pid, ...descendantsOf(pid, await parentPids())];
  // The host is forked as a group leader (detached), so -pid names its whole group.
  signal(-pid, 'SIGKILL');
  tree.forEach((p) => signal(p, 'SIGKILL'));
}
