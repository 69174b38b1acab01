/**
 * What a finished run must show, derived from the scenario catalogue and the engine's variant list
 * (never from the run itself): which variants, and how many lanes each one draws.
 */
import { findScenario, validateParams, type ScenarioId, type ScenarioParams } from '../../../src/shared/scenarios';
import { variantsFor } from '../../../src/shared/variants';
import type { Runtime } from '../../../src/shared/trace';

export interface ExpectedVariant {
  id: string;
  /** Threads, workers or processes the variant starts besides the main thread. */
  workers: number;
}

export function expectedRun(scenario: string, runtime: Runtime, params: Record<string, unknown> = {}): ExpectedVariant[] {
  const info = findScenario(scenario);
  if (!info) throw new Error(`unknown scenario ${scenario}`);
  const checked = validateParams(info, params);
  if (!checked.ok) throw new Error(`the link's parameters are invalid: ${checked.errors.join('; ')}`);
  return variantsFor(info.id, runtime, checked.params).map((v) => ({ id: v.id, workers: workersOf(info.id, v.id, checked.params) }));
}

function workersOf(scenario: ScenarioId, variant: string, p: ScenarioParams): number {
  if (variant === 'sequential') return 0;
  switch (scenario) {
    case 'parallel':
    case 'gil':
    case 'daemon':
      return p.threads;
    case 'download':
      return p.tasks;
    case 'race':
      return Math.min(p.threads, p.tasks);
    case 'pool':
      return Number(variant.replace('pool-', ''));
  }
}

/** One lane per worker, plus the main thread's lane when the scenario draws it. */
export function lanesFit(expected: ExpectedVariant, drawn: number): boolean {
  return drawn === expected.workers || drawn === expected.workers + 1;
}
