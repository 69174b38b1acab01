/**
 * The scenario catalogue and its parameters: what the CLI lists, the command's quick pick offers,
 * and the panel's controls edit. Pure data and validation, no host APIs.
 */
import { oneOf } from './guards';
import { RUNTIMES, type Runtime } from './trace';

export const SCENARIO_IDS = ['parallel', 'download', 'daemon', 'race', 'pool', 'gil'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];
export const isScenarioId = oneOf(SCENARIO_IDS);

/** The lesson sections, in the lesson's order; a scenario belongs to one (also the walkthrough id suffix). */
export const SECTION_IDS = ['threads-processes', 'multithreading', 'daemon-threads', 'race-conditions', 'thread-pools', 'gil'] as const;
export type SectionId = (typeof SECTION_IDS)[number];
export const isSectionId = oneOf(SECTION_IDS);

export type ParamName = 'threads' | 'tasks' | 'scale' | 'lock' | 'pools';

export const LOCK_MODES = ['both', 'on', 'off'] as const;
export type LockMode = (typeof LOCK_MODES)[number];
export const isLockMode = oneOf(LOCK_MODES);

export interface ScenarioParams {
  /** Threads / workers / processes running at once (race: the pool's max_workers). */
  threads: number;
  /** Number of tasks (downloads, deposits, pool jobs, CPU chunks). */
  tasks: number;
  /** Multiplies every duration or amount of work; 1 = defaults that take 1–5 s on 2 cores. */
  scale: number;
  /** Race only: run without the lock, with it, or both. */
  lock: LockMode;
  /** Pool only: the pool sizes to compare. */
  pools: number[];
}

export interface ScenarioInfo {
  id: ScenarioId;
  section: SectionId;
  /** English title and one-line description; the extension and CLI localize by id. */
  title: string;
  description: string;
  /** Parameters the scenario reads; others are ignored and not shown. */
  params: readonly ParamName[];
  defaults: ScenarioParams;
  runtimes: readonly Runtime[];
  /**
   * How to read the result a variant should reach from the program's own output, so the programs
   * stay plain lesson code: `expected` names the parameter that holds it, `actual` is a pattern
   * whose first group is the value the program printed (the last match counts).
   */
  outcome?: { expected: ParamName; actual: string };
}

/** The modules the shipped programs import from beside them, copied with a learner's copy
 *  (checked by a test against the programs' imports). Python's import none: they are plain code. */
export const PROGRAM_HELPERS: Record<Runtime, readonly string[]> = {
  python: [],
  node: ['common.mjs', 'cpubound.mjs', 'cpu-task.mjs'],
};

const base: ScenarioParams = { threads: 2, tasks: 2, scale: 1, lock: 'both', pools: [1, 2, 4, 8] };

export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    id: 'parallel',
    section: 'threads-processes',
    title: 'Concurrency vs parallelism',
    description: 'Two CPU-bound tasks: one after another, on threads, and on processes',
    params: ['threads', 'scale'],
    defaults: { ...base, threads: 2 },
    runtimes: RUNTIMES,
  },
  {
    id: 'download',
    section: 'multithreading',
    title: 'Sequential vs threaded downloads',
    description: 'Simulated downloads one by one, then one thread each (target= and a Thread subclass)',
    params: ['tasks', 'scale'],
    defaults: { ...base, tasks: 3 },
    runtimes: RUNTIMES,
  },
  {
    id: 'daemon',
    section: 'daemon-threads',
    title: 'Daemon threads',
    description: 'Background printers with daemon on and off while the main thread ends early',
    params: ['threads', 'scale'],
    defaults: { ...base, threads: 2 },
    runtimes: RUNTIMES,
  },
  {
    id: 'race',
    section: 'race-conditions',
    title: 'Race condition and lock',
    description: '100 deposits of 1 into one account from many threads, without and with a lock',
    params: ['threads', 'tasks', 'lock', 'scale'],
    defaults: { ...base, threads: 16, tasks: 100 },
    runtimes: RUNTIMES,
    // The learner's copy may be the Chinese one (media/programs/python/zh-cn): `余额：7（应为 100）`.
    outcome: { expected: 'tasks', actual: '(?:Balance|余额) ?[:：] ?(-?\\d+)' },
  },
  {
    id: 'pool',
    section: 'thread-pools',
    title: 'Thread pool sizes',
    description: 'One batch of tasks through pools of 1, 2, 4 and 8 workers',
    params: ['tasks', 'pools', 'scale'],
    defaults: { ...base, tasks: 8 },
    runtimes: RUNTIMES,
  },
  {
    id: 'gil',
    section: 'gil',
    title: 'The GIL',
    description: 'CPU-bound work sequentially, on threads and on processes (Node: worker_threads, no GIL)',
    params: ['threads', 'scale'],
    defaults: { ...base, threads: 2 },
    runtimes: RUNTIMES,
  },
];

export interface ParamLimit {
  min: number;
  max: number;
  integer: boolean;
}

export const PARAM_LIMITS: Readonly<Record<'threads' | 'tasks' | 'scale' | 'poolSize', ParamLimit>> = {
  threads: { min: 1, max: 64, integer: true },
  tasks: { min: 1, max: 1000, integer: true },
  scale: { min: 0.05, max: 10, integer: false },
  poolSize: { min: 1, max: 64, integer: true },
};

export function findScenario(id: string): ScenarioInfo | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

export type ParamsResult = { ok: true; params: ScenarioParams } | { ok: false; errors: string[] };

function checkNumber(name: string, value: unknown, limit: ParamLimit, errors: string[]): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push(`${name} must be a number, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (limit.integer && !Number.isInteger(value)) {
    errors.push(`${name} must be a whole number, got ${value}`);
    return undefined;
  }
  if (value < limit.min || value > limit.max) {
    errors.push(`${name} must be between ${limit.min} and ${limit.max}, got ${value}`);
    return undefined;
  }
  return value;
}

/**
 * Merges `input` over the scenario's defaults and checks every value. Out-of-range values are
 * refused with a message naming the parameter and its range, never clamped. Unknown keys are refused
 * too, so a typo in a walkthrough link or a CLI flag does not go unnoticed.
 */
export function validateParams(scenario: ScenarioInfo, input: Record<string, unknown> = {}): ParamsResult {
  const errors: string[] = [];
  const params: ScenarioParams = { ...scenario.defaults, pools: [...scenario.defaults.pools] };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    switch (key) {
      case 'threads':
      case 'tasks':
      case 'scale': {
        const v = checkNumber(key, value, PARAM_LIMITS[key], errors);
        if (v !== undefined) params[key] = v;
        break;
      }
      case 'lock':
        if (isLockMode(value)) params.lock = value;
        else if (value === true || value === false) params.lock = value ? 'on' : 'off';
        else errors.push(`lock must be "both", "on" or "off", got ${JSON.stringify(value)}`);
        break;
      case 'pools':
        if (!Array.isArray(value) || value.length === 0 || value.length > 8) {
          errors.push('pools must be a list of 1 to 8 pool sizes');
        } else {
          const sizes = value.map((v, i) => checkNumber(`pools[${i}]`, v, PARAM_LIMITS.poolSize, errors));
          const dup = sizes.find((s, i) => s !== undefined && sizes.indexOf(s) !== i);
          // each size is a variant with its own id (pool-N): a repeated size would repeat an id
          if (dup !== undefined) errors.push(`pools lists ${dup} twice; give each pool size once`);
          else if (sizes.every((s): s is number => s !== undefined)) params.pools = sizes;
        }
        break;
      default:
        errors.push(`unknown parameter "${key}" (known: threads, tasks, scale, lock, pools)`);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, params };
}

/** The result a scenario's program printed, against the one it should reach; undefined when the
 *  scenario has no outcome or the program printed none. */
export function readOutcome(scenario: ScenarioInfo, params: ScenarioParams, output: string): { expected: number; actual: number; ok: boolean } | undefined {
  if (!scenario.outcome) return undefined;
  const matches = [...output.matchAll(new RegExp(scenario.outcome.actual, 'gm'))];
  const last = matches[matches.length - 1];
  if (!last) return undefined;
  const expected = Number(params[scenario.outcome.expected]);
  const actual = Number(last[1]);
  return { expected, actual, ok: expected === actual };
}
