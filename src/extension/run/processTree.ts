/**
 * Stops a process and everything it started. The engine host starts Python and Node programs, which
 * may start workers and processes of their own; killing only the host would leave those running
 * (re-parented to init), so the whole tree is collected first and then killed at once.
 * Node only, no `vscode`: unit-tested with a real process tree.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of every live process on Linux, read from /proc (no subprocess needed). */
function linuxParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (2nd field) may hold spaces and parentheses: parse after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we listed it.
    }
  }
  return parents;
}

/** Parent pid of every live process elsewhere on POSIX (macOS), from `ps`. */
function psParents(): Promise<Map<number, number>> {
  return new Promise((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid='], (err, stdout) => {
      const parents = new Map<number, number>();
      if (!err) {
        for (const line of stdout.split('\n')) {
          const [pid, ppid] = line.trim().split(/\s+/).map(Number);
          if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid, ppid);
        }
      }
      resolve(parents);
    });
  });
}

/** Every descendant of `root` (children first-level first), given a pid → parent map. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  const seen = new Set<number>([root]);
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Kills `pid` and all its descendants. On Windows `taskkill /T` walks the tree itself; on POSIX the
 * tree is listed first (so re-parenting cannot hide grandchildren) and the process group is killed
 * too, which catches anything started between listing and killing.
 */
export async function killProcessTree(pid: number | undefined): Promise<void> {
  // A child that never started has no pid; and kill(-1) would signal every process we may signal.
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) return;
  if (process.platform === 'win32') {
    await new Promise<void>((resolve) => execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => resolve()));
    return;
  }
  const parents = process.platform === 'linux' ? linuxParents() : await psParents();
  const tree = [pid, ...descendantsOf(pid, parents)];
  try {
    // The host is forked as a group leader (detached), so -pid names its whole group.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Not a group leader, or the group is already gone.
  }
  tree.forEach(killQuietly);
}
