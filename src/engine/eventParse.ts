/**
 * Checks one line of the event channel against src/shared/events.ts. Anything that does not match
 * is refused (undefined), so a program printing garbage on the channel cannot break a run.
 */
import { isIntent, isProgramMark, type ProgramEvent } from '../shared/events';
import { isBool, isNum, isRecord, optional } from '../shared/guards';
import { isLaneKind, isRuntime } from '../shared/trace';

type Json = Record<string, unknown>;

/** Longest text field kept (notes, names, file paths): a hostile program cannot bloat the trace. */
const MAX_TEXT = 500;
const MAX_FRAMES = 200;

/** Process and thread ids, line numbers: whole numbers (the panel refuses a trace with any other). */
const isCount = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
const isPid = (v: unknown): boolean => isCount(v, 1);
/** A string no longer than MAX_TEXT. */
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const optNum = (v: unknown): boolean => optional(v, isNum);
const optStr = (v: unknown): boolean => optional(v, isText);
const optBool = (v: unknown): boolean => optional(v, isBool);
const optValue = (v: unknown): boolean => optional(v, (x) => isNum(x) || isText(x));

function isFrame(f: unknown): boolean {
  return isRecord(f) && isText(f.file) && isCount(f.line, 0) && isText(f.func);
}

function valid(o: Json): boolean {
  switch (o.k) {
    case 'hello':
      return isText(o.token) && isRuntime(o.runtime) && isPid(o.pid) && isText(o.version) && optBool(o.gil);
    case 'clock':
      return isNum(o.t0) && isNum(o.t1) && isNum(o.te);
    case 'variant':
      return isText(o.id) && isText(o.title) && isNum(o.t);
    case 'variant-end':
      return isText(o.id) && isNum(o.t) && isNum(o.wall) && optNum(o.cpu);
    case 'lane':
      return isText(o.lane) && isText(o.name) && isLaneKind(o.kind) && optBool(o.daemon) && isPid(o.pid) &&
        (o.tid === undefined || isCount(o.tid, 0)) && isNum(o.t) && optNum(o.c) && optStr(o.target) && optStr(o.where);
    case 'state':
      return isText(o.lane) && isIntent(o.s) && isNum(o.t) && optNum(o.c) && optStr(o.note) && optStr(o.where) &&
        optStr(o.obj) && optStr(o.holder);
    case 'mark':
      return isText(o.lane) && isProgramMark(o.m) && isNum(o.t) && optStr(o.note) && optStr(o.obj);
    case 'end':
      return isText(o.lane) && isNum(o.t) && optNum(o.c);
    case 'outcome':
      return optValue(o.expected) && optValue(o.actual) && optBool(o.ok);
    case 'stuck':
      return isText(o.lane) && Array.isArray(o.frames) && o.frames.length <= MAX_FRAMES && o.frames.every(isFrame) &&
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
  if (!isRecord(value)) return undefined;
  // An optional field sent as null (Python's None) means "not given".
  const o = value;
  for (const key of Object.keys(o)) if (o[key] === null) delete o[key];
  return valid(o) ? (o as unknown as ProgramEvent) : undefined;
}
