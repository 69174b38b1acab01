/** What `activate()` returns: a small window for the extension-host tests, not a public API. */
import type { OpenSourceMessage } from '../shared/protocol';
import type { SectionId } from '../shared/scenarios';
import type { Trace } from '../shared/trace';
import type { SectionProgress } from './lessonProgress';
import type { RunOutcome, RunSpec, TraceSpec } from './run/runController';
import type { SettingProblem } from './settingsModel';

export interface LabTestApi {
  /** The trace of the last run that finished. */
  lastTrace(): Trace | undefined;
  /** How the last run ended, ok or not. */
  lastOutcome(): RunOutcome | undefined;
  /** What the last run sent to the engine host (params, runtime, timeout, pythonPath). */
  lastRunSpec(): RunSpec | undefined;
  /** What the last traced program sent to the engine host (file, args, cwd, runtime, interpreter). */
  lastTraceSpec(): TraceSpec | undefined;
  isPanelOpen(): boolean;
  /** Whether the open panel's webview has said `ready` and received `init`. */
  isPanelReady(): boolean;
  /** As if the panel asked to open a run's code (the message already checked). */
  openSource(message: OpenSourceMessage): Promise<void>;
  /** Problems with the current settings values, as the runs would see them. */
  settingProblems(): SettingProblem[];
  /** The learner's recorded progress in one lesson section. */
  progressOf(section: SectionId): SectionProgress;
  /** The walkthrough steps' context keys set in this session (`concurrencyLab.step.<section>.<action>`). */
  completedSteps(): readonly string[];
  /** The scheduler panel, when open: its level and the latest state its driver reported. */
  scheduler(): { level: string; run: number; status?: string; threads: string[] } | undefined;
  /** The seed of this learner's quiz order (see quiz/shuffle.ts), so a test can find the right choice. */
  quizSeed(): string;
}
