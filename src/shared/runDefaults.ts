/** A run's defaults and policies, one definition for the engine, the CLI and the extension. */
import type { Runtime } from './trace';

/** How long one program run may take before it is stopped (the setting's default). */
export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;

/** `auto` runs Python when a suitable interpreter was found, else Node: the lessons speak Python first. */
export function pickRuntime(choice: Runtime | 'auto', pythonFound: boolean): Runtime {
  if (choice !== 'auto') return choice;
  return pythonFound ? 'python' : 'node';
}
