/**
 * Checks one line of the event channel against src/shared/events.ts. Anything that does not match
 * is refused (undefined), so a program printing garbage on the channel cannot break a run.
 */
import { INTENTS, PROGRAM_MARKS, type ProgramEvent } from '../shared/events';
import { isLaneKind, isRuntime } from '../shared/trace';

type Json = Record<string, unknown>;

/** Longest text field kept (notes, names, file paths): a hostile program cannot bloat the trace. */
const MAX_TEXT = 500;
const MAX_FRAMES = 200;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Process and thread ids, line numbers: whole numbers (the panel refuses a trace with any other). */
const isCount = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
const isPid = (v: unknown): boolean => isCount(v, 1);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
const optStr = (v: unknown): boolean => v === undefined || isStr(v);
const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const optValue = (v: unknown): boolean => v === undefined || isNum(v) || isStr(v);
const isIntent = (v: unknown): boolean => typeof v === 'string' && (INTENTS as readonly string[]).includes(v);
// `killed` is not among them: only the engine says a thread was killed.
const isProgramMark = (v: unknown): boolean => typeof v === 'string' && (PROGRAM_MARKS as readonly string[]).includes(v);

function isFrame(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Json;
  return isStr(f.file) && isCount(f.line, 0) && isStr(f.func);
}

function valid(o: Json): boolean {
  switch (o.k) {
    case 'hello':
      return isStr(o.token) && isRuntime(o.runtime) && isPid(o.pid) && isStr(o.version) && optBool(o.gil);
    case 'clock':
      return isNum(o.t0) && isNum(o.t1) && isNum(o.te);
    case 'variant':
      return isStr(o.id) && isStr(o.title) && isNum(o.t);
    case 'variant-end':
      return isStr(o.id) && isNum(o.t) && isNum(o.wall) && optNum(o.cpu);
    case 'lane':
      return isStr(o.lane) && isStr(o.name) && isLaneKind(o.kind) && optBool(o.daemon) && isPid(o.pid) &&
        (o.tid === undefined || isCount(o.tid, 0)) && isNum(o.t) && optNum(o.c) && optStr(o.target) && optStr(o.where);
    case 'state':
      return isStr(o.lane) && isIntent(o.s) && isNum(o.t) && optNum(o.c) && optStr(o.note) && optStr(o.where) &&
        optStr(o.obj) && optStr(o.holder);
    case 'mark':
      return isStr(o.lane) && isProgramMark(o.m) && isNum(o.t) && optStr(o.note) && optStr(o.obj);
    case 'end':
      return isStr(o.lane) && isNum(o.t) && optNum(o.c);
    case 'outcome':
      return optValue(o.expected) && optValue(o.actual) && optBool(o.ok);
    case 'stuck':
      return isStr(o.lane) && Array.isArray(o.frames) && o.frames.length <= MAX_FRAMES && o.frames.every(isFrame) &&
        optStr(o.obj) && optStr(o.holder);
    case 'dumped':
      return true;
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
