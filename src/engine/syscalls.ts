/**
 * Names of the system calls a blocked thread is most often asleep in, from the number that
 * `/proc/<pid>/task/<tid>/syscall` shows. Only the calls a learner's program plausibly blocks in;
 * any other shows as "syscall N".
 */
const X86_64: Record<number, string> = {
  0: 'read', 1: 'write', 7: 'poll', 17: 'pread64', 19: 'readv', 23: 'select', 34: 'pause', 35: 'nanosleep',
  42: 'connect', 43: 'accept', 44: 'sendto', 45: 'recvfrom', 46: 'sendmsg', 47: 'recvmsg', 61: 'wait4',
  202: 'futex', 230: 'clock_nanosleep', 232: 'epoll_wait', 247: 'waitid', 270: 'pselect6', 271: 'ppoll',
  281: 'epoll_pwait', 288: 'accept4', 130: 'rt_sigsuspend', 128: 'rt_sigtimedwait', 441: 'epoll_pwait2',
};

const AARCH64: Record<number, string> = {
  63: 'read', 64: 'write', 65: 'readv', 67: 'pread64', 72: 'pselect6', 73: 'ppoll', 22: 'epoll_pwait',
  98: 'futex', 101: 'nanosleep', 115: 'clock_nanosleep', 133: 'rt_sigsuspend', 137: 'rt_sigtimedwait',
  202: 'accept', 203: 'connect', 206: 'sendto', 207: 'recvfrom', 211: 'sendmsg', 212: 'recvmsg',
  242: 'accept4', 260: 'wait4', 95: 'waitid', 441: 'epoll_pwait2',
};

const TABLE = process.arch === 'arm64' ? AARCH64 : X86_64;

export function syscallName(nr: number): string {
  return TABLE[nr] ?? `syscall ${nr}`;
}

/**
 * What a thread is doing according to the kernel, from the text of its `syscall` file:
 * `running` (on a CPU or runnable), or asleep in a named call. For futex, whether the wait has a
 * timeout: CPython waits for the GIL only in timed waits (of the switch interval), while a lock
 * acquired without a timeout waits untimed — so an untimed futex wait is never the GIL.
 */
export type KernelView = { kind: 'running' } | { kind: 'syscall'; name: string; timed: boolean };

export function parseSyscallFile(text: string): KernelView | undefined {
  const t = text.trim();
  if (t.startsWith('running')) return { kind: 'running' };
  const fields = t.split(/\s+/);
  const nr = Number(fields[0]);
  if (!Number.isInteger(nr)) return undefined;
  if (nr < 0) return { kind: 'syscall', name: 'not in a system call', timed: false };
  const name = syscallName(nr);
  // futex(uaddr, op, val, timeout, …): the 4th argument is the timeout pointer.
  const timed = name === 'futex' ? fields[4] !== undefined && fields[4] !== '0x0' : false;
  return { kind: 'syscall', name, timed };
}
