/**
 * Starts a program in its own process group and stops the whole tree: the program, its children
 * (multiprocessing workers, child_process children) and any process that said `hello` on the event
 * channel (adopted even if it left the group). POSIX: SIGTERM to the group, SIGKILL after a grace
 * period. Windows: `taskkill /T /F`, which walks the tree.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

  constructor(cmd: ProgramCommand, env: Record<string, string>) {
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

  /** A process of this run announced itself (e.g. a multiprocessing child): stop it with the rest. */
  adopt(pid: number): void {
    if (pid > 0 && pid !== this.pid && pid !== process.pid) this.adopted.add(pid);
  }

  /** Every pid of the run that is still alive. */
  alivePids(): number[] {
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
    this.signalAll('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (!this.hasExited || this.alivePids().length > 0)) await sleep(10);
    if (!this.hasExited || this.groupAlive() || this.alivePids().length > 0) this.signalAll('SIGKILL');
    await Promise.race([this.exited, sleep(graceMs)]);
  }

  /** After a normal exit: stop anything the program left behind (an orphaned grandchild). */
  reapStragglers(): void {
    if (this.groupAlive() || [...this.adopted].some(isAlive)) this.signalAll('SIGKILL');
  }
}
