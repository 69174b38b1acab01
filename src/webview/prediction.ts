/**
 * "Predict, then run": what a learner may guess about each variant before a run, and how a guess is
 * judged against the measured figures. Pure; the picker and the summary's comparison are in
 * predictionView.ts.
 */
import type { VariantFigures } from '../shared/figures';
import { findScenario, validateParams, type ScenarioId, type ScenarioParams } from '../shared/scenarios';
import type { Runtime } from '../shared/trace';
import { variantsFor } from '../shared/variants';

/**
 * Fixed bands on the measured speedup against the baseline: at least `faster` counts as faster, at
 * most `slower` as slower, anything between as about the same. Fixed, so a guess is judged the same
 * way on every machine and the hint can state them.
 */
export const SPEED_BANDS = { faster: 1.2, slower: 0.83 } as const;

export type SpeedGuess = 'faster' | 'same' | 'slower';
/** The race's balance against the deposits made. `more` is never offered, but can be measured. */
export type OutcomeGuess = 'exact' | 'less';
export type Guess = SpeedGuess | OutcomeGuess;
export type Measured = Guess | 'more';

/** The learner's guesses for one run, by variant id. */
export type Prediction = Record<string, Guess>;

/**
 * What can be guessed about one variant: its speed against the first variant (the baseline), or,
 * for a scenario that checks a result, whether the result comes out exact.
 */
export interface Question {
  id: string;
  /** The engine's English title; localize with `texts.variant`. */
  title: string;
  kind: 'speed' | 'outcome';
  /** For an outcome: the result that would be exact (the deposits made). */
  expected?: number;
  /** For a speed: the baseline's title. */
  baseline?: string;
}

export const GUESSES: Record<Question['kind'], readonly Guess[]> = {
  speed: ['faster', 'same', 'slower'],
  outcome: ['exact', 'less'],
};

const ALL_GUESSES: ReadonlySet<string> = new Set<string>([...GUESSES.speed, ...GUESSES.outcome]);

/**
 * The questions for a scenario as the controls stand. Parameters that do not validate fall back to
 * the scenario's defaults one by one, so a half-typed field does not empty the list.
 */
export function questionsFor(scenario: ScenarioId, runtime: Runtime, params: Record<string, unknown>): Question[] {
  const info = findScenario(scenario);
  if (!info) return [];
  const merged: ScenarioParams = { ...info.defaults, pools: [...info.defaults.pools] };
  for (const [key, value] of Object.entries(params)) {
    const one = validateParams(info, { [key]: value });
    if (one.ok) Object.assign(merged, { [key]: one.params[key as keyof ScenarioParams] });
  }
  const variants = variantsFor(scenario, runtime, merged);
  // A result that should come out exact is the point to guess (the race's balance), for every
  // variant; otherwise each variant's speed against the first.
  const outcome = info.outcome;
  if (outcome) return variants.map((v) => ({ ...v, kind: 'outcome', expected: Number(merged[outcome.expected]) }));
  return variants.slice(1).map((v) => ({ ...v, kind: 'speed', baseline: variants[0].title }));
}

export function isGuess(v: unknown): v is Guess {
  return typeof v === 'string' && ALL_GUESSES.has(v);
}

/** A stored prediction, read as unknown: keeps only well-formed guesses; undefined when none is left. */
export function parsePrediction(v: unknown): Prediction | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Prediction = {};
  for (const [id, guess] of Object.entries(v)) {
    // Variant ids are short words; `__proto__` as a key would not round-trip.
    if (id.length > 64 || id === '__proto__' || !isGuess(guess)) continue;
    out[id] = guess;
  }
  return Object.keys(out).length ? out : undefined;
}

export function speedBand(speedup: number): SpeedGuess {
  return speedup >= SPEED_BANDS.faster ? 'faster' : speedup <= SPEED_BANDS.slower ? 'slower' : 'same';
}

export interface Judged {
  id: string;
  title: string;
  guess: Guess;
  /** For an outcome guess: the result that would be exact. */
  expected?: number;
  /** Undefined when the run measured nothing to compare with (a failed variant, no result printed). */
  measured?: { value: number; band: Measured };
  right?: boolean;
}

/**
 * Each guess beside what was measured, in the order of the run's variants; guesses for variants the
 * run lacks (a partial run) come last, unmeasured. `expected` is the exact result when no variant
 * printed one.
 */
export function judge(prediction: Prediction, figures: VariantFigures[], expected?: number): Judged[] {
  const base = figures[0];
  const out: Judged[] = [];
  const byId = new Map(figures.map((f) => [f.id, f]));
  const ids = [...figures.map((f) => f.id).filter((id) => Object.hasOwn(prediction, id)), ...Object.keys(prediction).filter((id) => !byId.has(id))];
  for (const id of ids) {
    const guess = prediction[id];
    const f = byId.get(id);
    const judged: Judged = { id, title: f?.title ?? id, guess, ...(guess === 'exact' || guess === 'less' ? { expected } : {}) };
    if (f && !f.error) {
      if (guess === 'exact' || guess === 'less') {
        // An outcome may be text (a program of the learner's own); only numbers compare.
        const actual = f.outcome?.actual;
        const exact = f.outcome?.expected;
        if (typeof actual === 'number' && typeof exact === 'number' && Number.isFinite(actual) && Number.isFinite(exact)) {
          const band: Measured = actual === exact ? 'exact' : actual < exact ? 'less' : 'more';
          judged.measured = { value: actual, band };
          judged.expected = exact;
        }
      } else if (base && f !== base && !base.error && f.wallMs > 0) {
        judged.measured = { value: f.speedup, band: speedBand(f.speedup) };
      }
    }
    if (judged.measured) judged.right = judged.measured.band === guess;
    out.push(judged);
  }
  return out;
}
