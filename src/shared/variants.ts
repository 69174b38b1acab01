/**
 * Which variants each scenario's program runs, per runtime. The engine starts the program once per
 * variant with `--variant ID` (so variants never compete for cores) and the flags of `programArgs`.
 * Pure and shared: the panel reads the list too, to offer a prediction per variant before a run.
 */
import type { ParamName, ScenarioId, ScenarioParams } from './scenarios';
import type { Runtime } from './trace';

const PARAM_NAMES: readonly ParamName[] = ['threads', 'tasks', 'scale', 'lock', 'pools'];

export interface VariantSpec {
  id: string;
  title: string;
}

const cpuBound: Record<Runtime, VariantSpec[]> = {
  python: [
    { id: 'sequential', title: 'Sequential' },
    { id: 'threads', title: 'Threads' },
    { id: 'processes', title: 'Processes' },
  ],
  node: [
    { id: 'sequential', title: 'Sequential' },
    { id: 'workers', title: 'worker_threads' },
    { id: 'processes', title: 'Child processes' },
  ],
};

export function variantsFor(scenario: ScenarioId, runtime: Runtime, params: ScenarioParams): VariantSpec[] {
  switch (scenario) {
    case 'parallel':
    case 'gil':
      return cpuBound[runtime];
    case 'download':
      return [
        { id: 'sequential', title: 'Sequential' },
        { id: 'threads', title: runtime === 'python' ? 'Thread(target=…)' : 'Worker per download' },
        { id: 'subclass', title: runtime === 'python' ? 'Thread subclass' : 'Worker subclass' },
      ];
    case 'daemon':
      return [
        { id: 'daemon', title: runtime === 'python' ? 'daemon=True' : 'worker.unref()' },
        { id: 'non-daemon', title: runtime === 'python' ? 'daemon=False' : 'ref’d workers' },
      ];
    case 'race': {
      const all = [
        { id: 'no-lock', title: 'Without a lock' },
        { id: 'lock', title: 'With a lock' },
      ];
      if (params.lock === 'on') return all.filter((v) => v.id === 'lock');
      if (params.lock === 'off') return all.filter((v) => v.id === 'no-lock');
      return all;
    }
    case 'pool':
      return params.pools.map((n) => ({ id: `pool-${n}`, title: `Pool of ${n}` }));
  }
}

/** The English titles of a run's variants by id: progress names a variant by its id. */
export function variantTitles(scenario: ScenarioId, runtime: Runtime, params: ScenarioParams): Map<string, string> {
  return new Map(variantsFor(scenario, runtime, params).map((v) => [v.id, v.title]));
}

/** A variant's title translated: each title is its own l10n key, but a pool's size is the argument of "Pool of {0}". */
export function translateVariantTitle(title: string, t: (key: string, ...args: (string | number)[]) => string): string {
  const pool = /^Pool of (\d+)$/.exec(title);
  return pool ? t('Pool of {0}', pool[1]) : t(title);
}

/** The flags the engine passes: the variant and the parameters the scenario reads, nothing else. */
export function programArgs(variant: string, params: ScenarioParams, names: readonly ParamName[] = PARAM_NAMES): string[] {
  const args = ['--variant', variant];
  for (const name of names) {
    const value = params[name];
    args.push(`--${name}`, Array.isArray(value) ? value.join(',') : String(value));
  }
  return args;
}
