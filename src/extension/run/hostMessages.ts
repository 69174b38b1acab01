/**
 * The extension's view of the engine host's IPC protocol (src/engine/hostProtocol.ts): the host's
 * replies checked a little harder (a crash can put anything on the channel) and its `internal`
 * errors folded into the learner-facing kinds.
 */
import type { RunErrorKind } from '../../engine/errors';
import { parseFromHost, type FromHost } from '../../engine/hostProtocol';
import { isTrace } from '../../shared/protocol';

export type { HostRunRequest, ToHost, FromHost } from '../../engine/hostProtocol';

/** The reply, if it is well-formed and carries a usable trace where it claims one. */
export function readHostMessage(msg: unknown): FromHost | undefined {
  const parsed = parseFromHost(msg);
  if (!parsed) return undefined;
  if (parsed.type === 'result' && !isTrace(parsed.trace)) return undefined;
  if (parsed.type === 'error' && parsed.trace !== undefined && !isTrace(parsed.trace)) return { ...parsed, trace: undefined };
  return parsed;
}

/** An `internal` error is a bug in the engine: to the learner it is a crash, with the message logged. */
export function learnerKind(kind: RunErrorKind | 'internal'): RunErrorKind {
  return kind === 'internal' ? 'crashed' : kind;
}
