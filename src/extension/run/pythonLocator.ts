/**
 * Finds the Python the demos will use, so `auto` can pick a runtime and the panel can say whether
 * Python is there. It asks the engine's own discovery (the host checks again when it runs), so the
 * extension and the engine never disagree on which interpreter counts.
 *
 * The Python extension's API (`@vscode/python-extension`, not a dependency here) would plug in as
 * another `FindPython`: ask `environments.getActiveEnvironmentPath()` first, pass that path to
 * `findPython` as `explicitPath` (so it is still version-checked), and fall back to plain discovery.
 */
import { findPython } from '../../engine/python/findPython';

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
