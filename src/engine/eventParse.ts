/**
 * Checks one line of the event channel against src/shared/events.ts. Anything that does not match
 * is refused (undefined), so a program printing garbage on the channel cannot break a run.
 */
import type { ProgramEvent } from '../shared/events';

type Json = Record<string, unknown>;

const STATES = new Set(['cpu', 'sleeping', 'io', 'lock-wait', 'idle']);
const MARKS = new Set(['start', 'end', 'join', 'acquire', 'release', 'task', 'killed']);
const KINDS = new Set(['main', 'thread', 'worker', 'process']);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
const optStr = (v: unknown): boolean => v === undefined || isStr(v);
const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const optValue = (v: unknown): boolean => v === undefined || isNum(v) || isStr(v);

function valid(o: Json): boolean {
  switch (o.k) {
    case 'hello':
      return isStr(o.token) && (o.runtime === 'node' || o.runtime === 'python') && isNum(o.pid) &&
        isStr(o.version) && optBool(o.gil);
    case 'clock':
      return isNum(o.t0) && isNum(o.t1) && isNum(o.te);
    case 'variant':
      return isStr(o.id) && isStr(o.title) && isNum(o.t);
    case 'variant-end':
      return isStr(o.id) && isNum(o.t) && isNum(o.wall) && optNum(o.cpu);
    case 'lane':
      return isStr(o.lane) && isStr(o.name) && KINDS.has(o.kind as string) && optBool(o.daemon) &&
        isNum(o.pid) && optNum(o.tid) && isNum(o.t) && optNum(o.c);
    case 'state':
      return isStr(o.lane) && STATES.has(o.s as string) && isNum(o.t) && optNum(o.c) && optStr(o.note);
    case 'mark':
      return isStr(o.lane) && MARKS.has(o.m as string) && isNum(o.t) && optStr(o.note);
    case 'end':
      return isStr(o.lane) && isNum(o.t) && optNum(o.c);
    case 'outcome':
      return optValue(o.expected) && optValue(o.actual) && optBool(o.ok);
    default:
      return false;
  }
}

/** Parses and checks one line; undefined for invalid JSON, an unknown `k` or a malformed event. */
export function parseEventLine(line: string): ProgramEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // An optional field sent as null (Python's None) means "not given".
  const o = value as Json;
  for (const key of Object.keys(o)) if (o[key] === null) delete o[key];
  return valid(o) ? (o as unknown as ProgramEvent) : undefined;
}
