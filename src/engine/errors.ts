import type { RunErrorKind } from '../shared/hostProtocol';
import type { Trace } from '../shared/trace';

export type { RunErrorKind };

/** A run that did not finish. The message is for the learner; `trace` keeps what was measured so far. */
export class RunError extends Error {
  constructor(
    readonly kind: RunErrorKind,
    message: string,
    readonly trace?: Trace,
    /** The program's own output (stdout + stderr), e.g. a Python traceback. */
    readonly output?: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}
