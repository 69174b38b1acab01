/**
 * Example programs that belong to a lesson section but are no scenario: shipped beside the scenario
 * programs, opened as a learner's copy, and traced as they are (Trace This Program).
 */
import type { SectionId } from './scenarios';
import type { Runtime } from './trace';

export interface ExampleProgram {
  id: string;
  /** File name in media/programs/<language>/ and of the learner's copy. */
  file: string;
  language: Runtime;
  section: SectionId;
}

export const EXAMPLES: readonly ExampleProgram[] = [
  // Re-entering a Lock deadlocks, an RLock does not: run with `--lock lock` it hangs and the timed-out
  // trace names the thread waiting for the lock it holds itself.
  { id: 'reentrant', file: 'reentrant.py', language: 'python', section: 'race-conditions' },
];

export function findExample(id: unknown): ExampleProgram | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
