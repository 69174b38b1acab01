/**
 * The runs the panel keeps for comparison, newest last, persisted with the webview state so a
 * reload (or the panel moving to the background) shows them again before `init` arrives.
 */
import { isTrace } from '../shared/protocol';
import type { Trace } from '../shared/trace';
import type { Host } from './host';

export interface RunFailure {
  error: string;
  hint?: string;
  cancelled?: boolean;
}

export interface RunEntry {
  trace: Trace;
  /** Set for the partial trace of a failed run. */
  failure?: RunFailure;
}

interface PersistedState {
  v: 1;
  runs: RunEntry[];
  selected: number;
}

/** Keeps the comparison list bounded. */
export const MAX_RUNS = 20;
/** setState serializes everything on each call: keep what is persisted to the newest runs up to this many spans. */
export const MAX_PERSISTED_SPANS = 120_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function runKey(t: Trace): string {
  return `${t.scenario}|${t.runtime}|${t.startedAt}`;
}

export class RunStore {
  entries: RunEntry[] = [];
  /** Index of the run shown; -1 when there is none. */
  selected = -1;
  /** Restored runs dropped because an earlier version saved them in an older trace schema. */
  droppedOld = 0;

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
    this.entries = (runs.filter((e) => isTrace(e.trace)) as unknown as RunEntry[]).slice(-MAX_RUNS);
    const sel = typeof state.selected === 'number' ? state.selected : this.entries.length - 1;
    this.selected = Math.min(Math.max(sel, -1), this.entries.length - 1);
  }

  /** The extension's runs join the restored ones (same run = same scenario, runtime and start). */
  mergeInit(traces: Trace[]): void {
    const known = new Set(this.entries.map((e) => runKey(e.trace)));
    const added = traces.filter((t) => !known.has(runKey(t))).map((trace): RunEntry => ({ trace }));
    if (!added.length) return;
    this.entries = [...this.entries, ...added].sort((a, b) => a.trace.startedAt.localeCompare(b.trace.startedAt)).slice(-MAX_RUNS);
    this.selected = this.entries.length - 1;
    this.persist();
  }

  add(entry: RunEntry, select: boolean): void {
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

  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  /** Saves after the current frame is painted: serializing big traces must not delay the chart. */
  persist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persistNow();
    }, 50);
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
    this.host.setState(state);
  }
}
