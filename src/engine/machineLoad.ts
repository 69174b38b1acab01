/**
 * How much CPU everything else on the machine used while a program ran: the kernel's machine-wide
 * busy time (/proc/stat) minus this engine's own CPU and its reaped children's (the program's whole
 * tree, /proc/self/stat). A busy machine is then named from a measurement, not from a slow result.
 * Linux only; elsewhere (or when /proc cannot be read) the window measures nothing.
 */
import * as fs from 'node:fs';

/** The kernel's accounting unit (USER_HZ), 100 per second on every Linux build that matters. */
const TICK_US = 10_000;

interface Snapshot {
  machineTicks: number;
  selfTicks: number;
  childTicks: number;
}

function machineBusyTicks(): number | undefined {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  if (!line.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return undefined;
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
}

function ownTicks(): { self: number; children: number } | undefined {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = rest.slice(11, 15).map(Number);
  if (![utime, stime, cutime, cstime].every(Number.isFinite)) return undefined;
  return { self: utime + stime, children: cutime + cstime };
}

function snapshot(): Snapshot | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const machineTicks = machineBusyTicks();
    const own = ownTicks();
    if (machineTicks === undefined || !own) return undefined;
    return { machineTicks, selfTicks: own.self, childTicks: own.children };
  } catch {
    return undefined;
  }
}

export interface MachineWindow {
  /** µs of CPU that other programs used from `open` to `close`; undefined when it cannot be read. */
  close(): number | undefined;
}

/** Starts measuring; call `close()` once the program's whole tree has been reaped. */
export function openMachineWindow(): MachineWindow {
  const before = snapshot();
  return {
    close() {
      const after = snapshot();
      if (!before || !after) return undefined;
      const machine = after.machineTicks - before.machineTicks;
      const ours = after.selfTicks - before.selfTicks + (after.childTicks - before.childTicks);
      // Ticks are sampled per CPU: a few ticks of rounding either way are noise, never negative load.
      return Math.max(0, machine - ours) * TICK_US;
    },
  };
}
