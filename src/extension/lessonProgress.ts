/**
 * The learner's progress per lesson section, kept in globalState. VS Code has no API to read which
 * walkthrough steps are checked, so the commands the steps link to record what was done here.
 * No `vscode` import: the store is anything with get/update (globalState, or a Map in tests).
 */
import type { SectionId } from '../shared/scenarios';

export const SECTION_IDS: readonly SectionId[] = [
  'threads-processes', 'multithreading', 'daemon-threads', 'race-conditions', 'thread-pools', 'gil',
];

/** The steps of a section the extension can see being done. */
export type Activity = 'opened' | 'ran' | 'changed' | 'quiz';

export const ACTIVITIES: readonly Activity[] = ['opened', 'ran', 'changed', 'quiz'];

export type SectionProgress = Partial<Record<Activity, true>>;

export interface ProgressStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'concurrencyLab.progress';

export function isSectionId(value: unknown): value is SectionId {
  return typeof value === 'string' && (SECTION_IDS as readonly string[]).includes(value);
}

export class LessonProgress {
  constructor(private readonly store: ProgressStore) {}

  private all(): Partial<Record<SectionId, SectionProgress>> {
    const saved = this.store.get<unknown>(KEY);
    // Stored data can be from an older version or edited by hand: keep only what still makes sense.
    const clean: Partial<Record<SectionId, SectionProgress>> = {};
    if (typeof saved !== 'object' || saved === null) return clean;
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

  async reset(): Promise<void> {
    await this.store.update(KEY, undefined);
  }
}
