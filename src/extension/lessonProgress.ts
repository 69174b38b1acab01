/**
 * The learner's progress per lesson section, kept in globalState. VS Code has no API to read which
 * walkthrough steps are checked, so the commands the steps link to record what was done here.
 * No `vscode` import: the store is anything with get/update (globalState, or a Map in tests).
 */
import { isRecord, oneOf } from '../shared/guards';
import { isSectionId, type SectionId } from '../shared/scenarios';

/** The steps of a section the extension can see being done. */
export const ACTIVITIES = ['opened', 'ran', 'changed', 'quiz'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export type SectionProgress = Partial<Record<Activity, true>>;

/**
 * The walkthrough steps whose completion the extension decides, by their id suffix: each section
 * has exactly these four. Read-only steps complete on `onStepSelected` and are not listed.
 */
export const STEP_ACTIONS = ['open', 'run', 'change', 'quiz'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];
const isStepAction = oneOf(STEP_ACTIONS);

/** A walkthrough step the extension completes: `<section>.<action>`, as in package.json. */
export interface StepRef {
  section: SectionId;
  action: StepAction;
}

/** The step's id in package.json (`race-conditions.change`). */
export function stepId(step: StepRef): string {
  return `${step.section}.${step.action}`;
}

/**
 * The context key a step completes on (`onContext:` in package.json). One key per step, so an
 * action done from one step never ticks another step that happens to use the same command.
 */
export function stepContextKey(step: StepRef): string {
  return `concurrencyLab.step.${stepId(step)}`;
}

/** A step id as a walkthrough link passes it (`"step": "gil.run"`), checked; anything else is undefined. */
export function parseStep(value: unknown): StepRef | undefined {
  if (typeof value !== 'string') return undefined;
  const dot = value.lastIndexOf('.');
  const section = value.slice(0, dot);
  const action = value.slice(dot + 1);
  if (dot < 0 || !isSectionId(section) || !isStepAction(action)) return undefined;
  return { section, action };
}

/** The `step` argument of a command called from a walkthrough link; undefined from the palette. */
export function stepOfArgs(args: unknown): StepRef | undefined {
  return isRecord(args) ? parseStep(args.step) : undefined;
}

/** Sets a context key to true (the extension passes `setContext`; tests a recorder). */
export type SetContext = (key: string) => Thenable<unknown> | void;

export interface ProgressStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'concurrencyLab.progress';

export class LessonProgress {
  private readonly completed: string[] = [];

  constructor(
    private readonly store: ProgressStore,
    private readonly setContext?: SetContext,
  ) {}

  private all(): Partial<Record<SectionId, SectionProgress>> {
    const saved = this.store.get<unknown>(KEY);
    // Stored data can be from an older version or edited by hand: keep only what still makes sense.
    const clean: Partial<Record<SectionId, SectionProgress>> = {};
    if (!isRecord(saved)) return clean;
    for (const [section, value] of Object.entries(saved)) {
      if (!isSectionId(section) || typeof value !== 'object' || value === null) continue;
      const entry: SectionProgress = {};
      for (const a of ACTIVITIES) if ((value as Record<string, unknown>)[a] === true) entry[a] = true;
      clean[section] = entry;
    }
    return clean;
  }

  of(section: SectionId): SectionProgress {
    return this.all()[section] ?? {};
  }

  /** Steps done out of those tracked. */
  count(section: SectionId): { done: number; total: number } {
    const entry = this.of(section);
    return { done: ACTIVITIES.filter((a) => entry[a]).length, total: ACTIVITIES.length };
  }

  async record(section: SectionId, activity: Activity): Promise<void> {
    const all = this.all();
    if (all[section]?.[activity]) return;
    all[section] = { ...all[section], [activity]: true };
    await this.store.update(KEY, all);
  }

  /**
   * Marks one walkthrough step done: VS Code ticks the step whose `onContext:` key this is, and
   * keeps it ticked. Called only when the step's own action happened (a run from its link finished).
   * Not for a "change" step: its own action is tracing an edited copy (`completeChange`), so a demo
   * run from its links, which changes a parameter but no code, leaves it open.
   */
  async completeStep(step: StepRef): Promise<void> {
    if (step.action === 'change') return;
    await this.setKey(stepContextKey(step));
  }

  /**
   * The section's "change one thing" step is done: the learner traced a copy of its program that
   * they had edited (see learnerCopies.ts `judgeTracedCopy`).
   */
  async completeChange(section: SectionId): Promise<void> {
    await this.record(section, 'changed');
    await this.setKey(stepContextKey({ section, action: 'change' }));
  }

  /**
   * A walkthrough step of scheduler mode is done: the learner reached its level's goal
   * (`stepId` as in package.json, e.g. `race-conditions.scheduler`; see SCHEDULER_STEPS).
   */
  async completeSchedulerStep(stepId: string): Promise<void> {
    await this.setKey(`concurrencyLab.step.${stepId}`);
  }

  /** The context keys set in this session, in order (for the extension-host tests). */
  completedSteps(): readonly string[] {
    return this.completed;
  }

  private async setKey(key: string): Promise<void> {
    if (!this.completed.includes(key)) this.completed.push(key);
    await this.setContext?.(key);
  }

  async reset(): Promise<void> {
    await this.store.update(KEY, undefined);
  }
}
