/** English keys for state, mark and lane-kind names; the extension's strings localize them. */
import type { Lane, LaneKind, LaneState, MarkKind } from '../shared/trace';

export const STATE_LABEL: Record<LaneState, string> = {
  running: 'Running',
  'core-wait': 'Waiting for a CPU core',
  'gil-wait': 'Waiting for the GIL',
  sleeping: 'Sleeping',
  'lock-wait': 'Waiting for a lock',
  'join-wait': 'Waiting for a thread or task to finish (join)',
  io: 'Waiting for I/O',
  idle: 'Idle, nothing to do',
  blocked: 'Blocked in a system call',
  done: 'Done',
};

/** What each state means, for the legend's hover text. */
export const STATE_HINT_LABEL: Record<LaneState, string> = {
  running: 'On a CPU core, running code.',
  'core-wait': 'Ready to run, queued by the operating system: every core was busy.',
  'gil-wait': 'Wanted to run Python code while another thread held the GIL.',
  sleeping: 'time.sleep, asyncio.sleep or a timer.',
  'lock-wait': 'Blocked on a lock, condition, semaphore, event, barrier or queue.',
  'join-wait': 'Waiting for a thread, process or future to finish.',
  io: 'Sockets, files, pipes, select, waiting for a subprocess.',
  idle: 'A pool worker or event loop with no work.',
  blocked: 'Asleep in a system call nothing traced; the tooltip names the call.',
  done: 'The lane has ended.',
};

export const MARK_LABEL: Record<MarkKind, string> = {
  start: 'started',
  end: 'ended',
  join: 'joined',
  acquire: 'acquired the lock',
  release: 'released the lock',
  task: 'task',
  killed: 'killed at exit',
};

export const LANE_KIND_LABEL: Record<LaneKind, string> = {
  main: 'main',
  thread: 'thread',
  worker: 'worker',
  process: 'process',
  task: 'asyncio task',
};

/** A lane as the chart names it: its name, the function it runs when the name does not already say
 *  it (Python 3.10+ names threads "Thread-1 (download)"), and whether it is a daemon or an asyncio task. */
export function laneTitle(lane: Lane, t: (key: string) => string): string {
  let title = lane.name;
  if (lane.target && !lane.name.includes(lane.target)) title += ` (${lane.target})`;
  if (lane.daemon) title += ` ◦ ${t('daemon')}`;
  if (lane.kind === 'task') title += ` ◦ ${t(LANE_KIND_LABEL.task)}`;
  return title;
}
