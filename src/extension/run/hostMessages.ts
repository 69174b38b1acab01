/**
 * The extension's view of the engine host's IPC protocol (src/shared/hostProtocol.ts): the host's
 * replies checked a little harder (a crash can put anything on the channel) and its `internal`
 * errors folded into the learner-facing kinds.
 */
import { parseFromHost, type FromHost, type RunErrorKind } from '../../shared/hostProtocol';
import { traceProblem } from '../../shared/protocol';

/**
 * The reply, if it is well-formed. A result whose trace the panel could not read (another schema,
 * an unknown state) becomes an `internal` error naming the problem, so the run ends with a reason
 * instead of waiting for a result that never counts; an error's unreadable partial trace is dropped.
 */
export function readHostMessage(msg: unknown): FromHost | undefined {
  const parsed = parseFromHost(msg);
  if (!parsed) return undefined;
  if (parsed.type === 'result') {
    const problem = traceProblem(parsed.trace);
    if (problem) return { type: 'error', id: parsed.id, kind: 'internal', message: `the engine's trace was refused: ${problem}` };
  }
  if (parsed.type === 'error' && parsed.trace !== undefined && traceProblem(parsed.trace)) return { ...parsed, trace: undefined };
  return parsed;
}

/** An `internal` error is a bug in the engine: to the learner it is a crash, with the message logged. */
export function learnerKind(kind: RunErrorKind | 'internal'): RunErrorKind {
  return kind === 'internal' ? 'crashed' : kind;
}
