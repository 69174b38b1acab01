/**
 * Where a timed-out run was stuck: each live thread's stack (from the program's answer to `dump`),
 * what it waits for and who holds it, and the wait-for cycle when the waits form one (a deadlock).
 */
import type { StuckEvent } from '../shared/events';
import type { Stuck, StuckThread } from '../shared/trace';

/** Lane ids and names by lane key, for the variant being built. */
export interface LaneLookup {
  id(key: string): number | undefined;
  nameOf(id: number): string;
}

/** The first cycle in a graph where each node waits for at most one other. */
export function findCycle(next: Map<number, number>): number[] | undefined {
  const done = new Set<number>();
  for (const startNode of next.keys()) {
    if (done.has(startNode)) continue;
    const path: number[] = [];
    const onPath = new Map<number, number>();
    let node: number | undefined = startNode;
    while (node !== undefined && !done.has(node) && !onPath.has(node)) {
      onPath.set(node, path.length);
      path.push(node);
      node = next.get(node);
    }
    if (node !== undefined && onPath.has(node)) return path.slice(onPath.get(node));
    for (const n of path) done.add(n);
  }
  return undefined;
}

export function buildStuck(events: StuckEvent[], lanes: LaneLookup): Stuck | undefined {
  const threads: StuckThread[] = [];
  const waitsFor = new Map<number, number>();
  const objOf = new Map<number, string>();
  for (const e of events) {
    const lane = lanes.id(e.lane);
    if (lane === undefined || threads.some((t) => t.lane === lane)) continue;
    const thread: StuckThread = { lane, frames: e.frames.map((f) => ({ file: f.file, line: f.line, func: f.func })) };
    if (e.obj !== undefined) {
      thread.waitsFor = e.obj;
      objOf.set(lane, e.obj);
    }
    const holder = e.holder !== undefined ? lanes.id(e.holder) : undefined;
    if (holder !== undefined) {
      thread.heldBy = holder;
      waitsFor.set(lane, holder);
    }
    threads.push(thread);
  }
  if (!threads.length) return undefined;
  const stuck: Stuck = { threads };
  const cycle = findCycle(waitsFor);
  if (cycle) {
    stuck.deadlock = cycle;
    const parts = cycle.map((id, i) => {
      const next = cycle[(i + 1) % cycle.length];
      return `waits for ${objOf.get(id) ?? 'a lock'} held by ${lanes.nameOf(next)}`;
    });
    stuck.summary =
      cycle.length === 1
        ? `deadlock: ${lanes.nameOf(cycle[0])} waits for ${objOf.get(cycle[0]) ?? 'a lock'}, which it holds itself (a Lock cannot be taken again by its holder; an RLock can)`
        : `deadlock: ${lanes.nameOf(cycle[0])} ${parts.join(', which ')}`;
  }
  return stuck;
}
