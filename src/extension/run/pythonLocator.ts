/**
 * Finds the Python the demos will use, so `auto` can pick a runtime and the panel can say whether
 * Python is there. It asks the engine's own discovery (the host checks again when it runs), so the
 * extension and the engine never disagree on which interpreter counts.
 *
 * Order: the Concurrency Lab › Python Path setting; else the Python extension's active interpreter
 * (`preferPythonExtension`, still version-checked); else the engine's own search.
 */
import { findPython } from '../../engine';

export interface PythonFound {
  executable: string;
  version: string;
}

export type PythonLookup = { ok: true; python: PythonFound } | { ok: false; error: string };

export type FindPython = (configuredPath: string | undefined) => Promise<PythonLookup>;

export const engineFindPython: FindPython = async (configuredPath) => {
  try {
    const info = await findPython({ explicitPath: configuredPath });
    return { ok: true, python: { executable: info.executable, version: info.version } };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
};

/** Wraps `find` so that, with no configured path, the Python extension's choice is tried first. */
export function preferPythonExtension(find: FindPython, chosenByPythonExtension: () => Promise<string | undefined>): FindPython {
  return async (configuredPath) => {
    if (configuredPath) return find(configuredPath);
    const chosen = await chosenByPythonExtension();
    if (chosen) {
      const found = await find(chosen);
      if (found.ok) return found;
    }
    return find(undefined);
  };
}

/** Caches a found interpreter per configured path: it only changes when the setting does. */
export class PythonLocator {
  private cached: { key: string; lookup: Promise<PythonLookup> } | undefined;

  constructor(private readonly find: FindPython = engineFindPython) {}

  locate(configuredPath: string | undefined): Promise<PythonLookup> {
    const key = configuredPath ?? '';
    if (this.cached?.key === key) return this.cached.lookup;
    const lookup = this.find(configuredPath).then((result) => {
      // A miss is not remembered: the learner may install Python and try again without reloading.
      if (!result.ok && this.cached?.lookup === lookup) this.cached = undefined;
      return result;
    });
    this.cached = { key, lookup };
    return lookup;
  }

  /** Forget the answer (settings changed, or the learner installed Python meanwhile). */
  reset(): void {
    this.cached = undefined;
  }
}
