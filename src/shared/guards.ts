/** Small type guards for checking untrusted JSON: messages, stored state, a driver's output. */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInt = (v: unknown): v is number => Number.isInteger(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
export const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** The guard of a vocabulary: one of `values` (a const array, from which its type derives too). */
export const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    isStr(v) && (values as readonly string[]).includes(v);
