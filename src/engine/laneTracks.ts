/**
 * First fold of the event stream: per lane, the intervals of each intent on the engine clock (ns),
 * its marks, and how it ended. Variant boundaries are applied later by the trace builder.
 */
import type { Intent, ProgramEvent } from '../shared/events';
import type { LaneKind, MarkKind } from '../shared/trace';

export type { Intent };

export interface RawInterval {
  intent: Intent;
  start: number;
  end: number;
  /** Thread CPU clock at start / end, when the program sent it. */
  c0?: number;
  c1?: number;
  note?: string;
  where?: string;
  obj?: string;
  /** Lane key of the thread holding the lock waited for. */
  holder?: string;
}

type OpenInterval = Omit<RawInterval, 'end' | 'c1' | 'c0'> & { c?: number };

export interface LaneTrack {
  key: string;
  name: string;
  kind: LaneKind;
  daemon?: boolean;
  pid?: number;
  target?: string;
  where?: string;
  conn: number;
  /** Order of appearance in the stream, to number lanes stably. */
  order: number;
  firstT: number;
  intervals: RawInterval[];
  marks: { at: number; kind: MarkKind; note?: string }[];
  /** Set by an `end` event (or, for a main lane, by its process exiting). */
  endedAt?: number;
  /** Set when the lane was still open when its process went away. */
  killedAt?: number;
  open?: OpenInterval;
}

export class LaneTracks {
  readonly lanes = new Map<string, LaneTrack>();

  private get(key: string, conn: number, t: number): LaneTrack {
    let lane = this.lanes.get(key);
    if (!lane) {
      // A lane seen only through state events still gets drawn, under its key.
      lane = { key, name: key, kind: 'thread', conn, order: this.lanes.size, firstT: t, intervals: [], marks: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private closeOpen(lane: LaneTrack, t: number, c?: number): void {
    const o = lane.open;
    if (!o) return;
    const { c: c0, ...rest } = o;
    lane.intervals.push({ ...rest, end: Math.max(t, o.start), c0, c1: c });
    lane.open = undefined;
  }

  /** Applies one lane-level event (others are ignored here). */
  apply(event: ProgramEvent, conn: number): void {
    switch (event.k) {
      case 'lane': {
        const lane = this.get(event.lane, conn, event.t);
        lane.name = event.name;
        lane.kind = event.kind;
        lane.daemon = event.daemon;
        lane.pid = event.pid;
        if (event.target !== undefined) lane.target = event.target;
        if (event.where !== undefined) lane.where = event.where;
        lane.firstT = Math.min(lane.firstT, event.t);
        // A thread that just started is running its code until it says otherwise.
        if (!lane.open && lane.endedAt === undefined) lane.open = { intent: 'cpu', start: event.t, c: event.c };
        break;
      }
      case 'state': {
        const lane = this.get(event.lane, conn, event.t);
        this.closeOpen(lane, event.t, event.c);
        lane.open = { intent: event.s, start: event.t, c: event.c, note: event.note, where: event.where, obj: event.obj, holder: event.holder };
        break;
      }
      case 'mark':
        this.get(event.lane, conn, event.t).marks.push({ at: event.t, kind: event.m, note: event.note });
        break;
      case 'end': {
        const lane = this.get(event.lane, conn, event.t);
        this.closeOpen(lane, event.t, event.c);
        lane.endedAt = event.t;
        break;
      }
      default:
        break;
    }
  }

  /**
   * Closes the lanes still open when their process went away. `closedAt(conn)` is when that
   * connection closed (the process exited), `exitAt` when the program's main process exited or was
   * stopped. Main lanes end with their process; other open lanes were killed (daemon threads, or
   * every lane when `killedRun` is set: timeout, cancel, crash).
   */
  finish(exitAt: number, closedAt: (conn: number) => number | undefined, killedRun: boolean): void {
    for (const lane of this.lanes.values()) {
      if (!lane.open) continue;
      const closed = closedAt(lane.conn);
      const at = Math.max(lane.open.start, Math.min(closed ?? exitAt, exitAt));
      this.closeOpen(lane, at);
      if (lane.kind === 'main' && !killedRun) {
        lane.endedAt = at;
      } else {
        lane.killedAt = at;
        lane.marks.push({ at, kind: 'killed' });
      }
    }
  }
}
