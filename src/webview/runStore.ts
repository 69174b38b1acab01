/**
 * The runs the panel keeps for comparison, newest last, persisted with the webview state so a
 * reload (or the panel moving to the background) shows them again. This is the only run list: the
 * extension keeps none, and a run that ended while the panel was away arrives as its result.
 */
import { isBool, isInt, isRecord, isStr } from '../shared/guards';
import { isTrace, type RunRequest } from '../shared/protocol';
import type { Trace } from '../shared/trace';
import { afterPaint } from './dom';
import type { Host } from './host';
import { parsePrediction, type Prediction } from './prediction';

export interface RunFailure {
  error: string;
  hint?: string;
  cancelled?: boolean;
}

export interface RunEntry {
  trace: Trace;
  /** Set for the partial trace of a failed run. */
  failure?: RunFailure;
  /** What the learner guessed before this run started, by variant id (only variants the trace has). */
  prediction?: Prediction;
}

/** A prediction made for a run still under way, kept until its result arrives (the webview may be
 *  torn down meanwhile: the extension then replays the run's start, or its result, after `ready`). */
export interface PendingPrediction {
  runId: number;
  /** Which run: a replayed start must name the same request, not just reuse a number. */
  request: string;
  prediction: Prediction;
}

interface PersistedState {
  v: 1;
  runs: RunEntry[];
  selected: number;
  pending?: PendingPrediction;
}

/** Keeps the comparison list bounded. */
export const MAX_RUNS = 20;
/** setState serializes everything on each call: keep what is persisted to the newest runs up to this many spans. */
export const MAX_PERSISTED_SPANS = 120_000;

export function requestKey(r: RunRequest): string {
  return JSON.stringify([r.scenario, r.runtime, r.params, r.repeat ?? 1]);
}

/** A guess about a variant this trace lacks cannot be compared with anything: not kept. */
function predictionFor(trace: Trace, prediction: Prediction | undefined): Prediction | undefined {
  if (!prediction) return undefined;
  const ids = new Set(trace.variants.map((v) => v.id));
  return parsePrediction(Object.fromEntries(Object.entries(prediction).filter(([id]) => ids.has(id))));
}

/** One stored run rebuilt from what was checked; unknown fields are left behind. */
function restoredEntry(e: Record<string, unknown>, trace: Trace): RunEntry {
  const entry: RunEntry = { trace };
  const f = e.failure;
  if (f !== undefined) {
    // Still a partial run when its failure record is damaged: the list must not call it complete.
    const rec = isRecord(f) ? f : {};
    entry.failure = { error: isStr(rec.error) ? rec.error : '' };
    if (isStr(rec.hint)) entry.failure.hint = rec.hint;
    if (isBool(rec.cancelled)) entry.failure.cancelled = rec.cancelled;
  }
  const prediction = predictionFor(trace, parsePrediction(e.prediction));
  if (prediction) entry.prediction = prediction;
  return entry;
}

function restoredPending(v: unknown): PendingPrediction | undefined {
  if (!isRecord(v) || !isInt(v.runId)) return undefined;
  const prediction = parsePrediction(v.prediction);
  return isStr(v.request) && prediction ? { runId: v.runId, request: v.request, prediction } : undefined;
}

export class RunStore {
  entries: RunEntry[] = [];
  /** Index of the run shown; -1 when there is none. */
  selected = -1;
  /** Restored runs dropped because an earlier version saved them in an older trace schema. */
  droppedOld = 0;
  /** The prediction for the run under way, if the learner made one. */
  pending: PendingPrediction | undefined;

  constructor(private readonly host: Host) {}

  /**
   * Restores persisted runs; anything that does not look like a trace is dropped. Runs of an older
   * schema are dropped too, and counted so the panel can say so: converting them would have to guess
   * what each old state meant (schema 1's `ready` merged waiting for a core with waiting for the GIL).
   */
  restore(): void {
    const state = this.host.getState() as Partial<PersistedState> | undefined;
    if (!state || state.v !== 1 || !Array.isArray(state.runs)) return;
    // Persisted JSON from any earlier version: read as unknown until checked.
    const runs = (state.runs as unknown[]).filter(isRecord);
    const schemaOf = (e: Record<string, unknown>): unknown => (isRecord(e.trace) ? e.trace.schema : undefined);
    this.droppedOld = runs.filter((e) => {
      const schema = schemaOf(e);
      return typeof schema === 'number' && schema < 2;
    }).length;
    this.entries = runs.flatMap((e) => (isTrace(e.trace) ? [restoredEntry(e, e.trace)] : [])).slice(-MAX_RUNS);
    this.pending = restoredPending(state.pending);
    const sel = typeof state.selected === 'number' ? state.selected : this.entries.length - 1;
    this.selected = Math.min(Math.max(sel, -1), this.entries.length - 1);
  }

  /**
   * Notes the prediction for a run that has started. A start replayed after the webview was torn
   * down comes with no guesses on screen: the saved prediction for that same run stays.
   */
  start(runId: number, request: RunRequest, prediction: Prediction | undefined): void {
    const key = requestKey(request);
    if (!prediction && this.pending?.runId === runId && this.pending.request === key) return;
    this.pending = prediction && { runId, request: key, prediction };
    this.persist();
  }

  /** The prediction made for this run, once: the run has ended. */
  takePending(runId: number): Prediction | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending?.runId === runId ? pending.prediction : undefined;
  }

  add(entry: RunEntry, select: boolean): void {
    const prediction = predictionFor(entry.trace, entry.prediction);
    entry = { trace: entry.trace, ...(entry.failure ? { failure: entry.failure } : {}), ...(prediction ? { prediction } : {}) };
    this.entries.push(entry);
    if (this.entries.length > MAX_RUNS) {
      this.entries.shift();
      this.selected--;
    }
    if (select || this.selected < 0) this.selected = this.entries.length - 1;
    this.persist();
  }

  /** Removes a run (one that could not be drawn); the newest remaining one is selected. */
  drop(index: number): void {
    if (index < 0 || index >= this.entries.length) return;
    this.entries.splice(index, 1);
    this.selected = this.entries.length - 1;
    this.persist();
  }

  select(index: number): void {
    if (index >= 0 && index < this.entries.length) this.selected = index;
    this.persist();
  }

  get current(): RunEntry | undefined {
    return this.entries[this.selected];
  }

  private persistQueued = false;

  /** Saves after the current frame is painted: serializing big traces must not delay the chart. */
  persist(): void {
    if (this.persistQueued) return;
    this.persistQueued = true;
    afterPaint(() => {
      this.persistQueued = false;
      this.persistNow();
    });
  }

  persistNow(): void {
    let spans = 0;
    let first = this.entries.length;
    while (first > 0) {
      const next = this.entries[first - 1].trace.variants.reduce((n, v) => n + v.spans.length, 0);
      if (spans + next > MAX_PERSISTED_SPANS && first < this.entries.length) break;
      spans += next;
      first--;
    }
    const state: PersistedState = { v: 1, runs: this.entries.slice(first), selected: Math.max(-1, this.selected - first) };
    if (this.pending) state.pending = this.pending;
    this.host.setState(state);
  }
}
