/** English keys for state and mark names; the extension's strings localize them. */
import type { LaneState, MarkKind } from '../shared/trace';

export const STATE_LABEL: Record<LaneState, string> = {
  running: 'Running',
  ready: 'Ready (waiting for the GIL or a core)',
  sleeping: 'Sleeping',
  io: 'Waiting for I/O',
  'lock-wait': 'Waiting for a lock or a join',
  idle: 'Idle in the pool',
  done: 'Done',
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
