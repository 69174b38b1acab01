/**
 * A span in words, for the timeline's hover: "Thread-3 waited 41 ms for Lock (race.py:18), held by
 * Thread-1". Each state has its own sentence, so the order of words can follow the language.
 * Pure: the extension's strings do the translating.
 */
import type { LaneState } from '../shared/trace';

type T = (key: string, ...args: (string | number)[]) => string;

/** A lock wait's note is "Lock (race.py:18) held by Thread-1" (engine/traceBuilder.ts). */
const HELD_BY = ' held by ';

/**
 * `who` did `state` for `duration` (already formatted); `note` says about what, as the trace has it.
 * The place in the code is not part of the sentence: the caller adds it where it fits.
 */
export function spanSentence(state: LaneState, who: string, duration: string, note: string | undefined, t: T): string {
  switch (state) {
    case 'running':
      return t('{0} ran for {1}', who, duration);
    case 'core-wait':
      return t('{0} waited {1} for a free CPU core', who, duration);
    case 'gil-wait':
      return t('{0} waited {1} for the GIL', who, duration);
    case 'sleeping':
      return note ? t('{0} slept {1} ({2})', who, duration, note) : t('{0} slept {1}', who, duration);
    case 'lock-wait': {
      if (!note) return t('{0} waited {1} for a lock', who, duration);
      const cut = note.lastIndexOf(HELD_BY);
      return cut > 0 ? t('{0} waited {1} for {2}, held by {3}', who, duration, note.slice(0, cut), note.slice(cut + HELD_BY.length)) : t('{0} waited {1} for {2}', who, duration, note);
    }
    case 'join-wait':
      return note ? t('{0} waited {1} for a thread or task to finish ({2})', who, duration, note) : t('{0} waited {1} for a thread or task to finish', who, duration);
    case 'io':
      return note ? t('{0} waited {1} for I/O ({2})', who, duration, note) : t('{0} waited {1} for I/O', who, duration);
    case 'idle':
      return note ? t('{0} was idle for {1} ({2})', who, duration, note) : t('{0} was idle for {1}', who, duration);
    case 'blocked':
      return note ? t('{0} was blocked {1} in a system call ({2})', who, duration, note) : t('{0} was blocked {1} in a system call', who, duration);
    case 'done':
      return t('{0} had ended', who);
  }
}
