/**
 * Sizes the CPU-bound demos' work to this machine, so each task computes for about
 * TARGET_TASK_SECONDS whatever the core and interpreter: short enough to wait for, long enough that
 * starting threads and processes is a small share and the lesson's effect stands above the noise.
 * The runtime measures one task's CPU time at scale 1 (CPU time, not wall time, so a busy machine
 * does not skew it); the result is cached per interpreter, program and CPU model. The learner's
 * `scale` still multiplies the calibrated work.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Calibration } from '../shared/trace';

export const TARGET_TASK_SECONDS = 1;
/** Never shrink or grow the shipped work beyond this: a broken measurement stays harmless. */
const MIN_FACTOR = 0.25;
const MAX_FACTOR = 8;

/** Measures CPU seconds of one task at scale 1; undefined when it cannot (the run goes on uncalibrated). */
export type TaskMeter = () => Promise<number | undefined>;

export function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'concurrency-lab', 'calibration.json');
}

/** What identifies a measurement: the interpreter, the program's bytes and the CPU. */
export function calibrationKey(parts: { runtime: string; executable: string; version: string; program: string }): string {
  const hash = crypto.createHash('sha256');
  try {
    hash.update(fs.readFileSync(parts.program));
  } catch {
    hash.update(parts.program);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return [parts.runtime, parts.executable, parts.version, cpu, hash.digest('hex').slice(0, 16)].join('|');
}

function readCache(file: string): Record<string, number> {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof data !== 'object' || data === null) return {};
    // Keep only sane entries: the cache is a file anyone can edit.
    return Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 3600));
  } catch {
    return {};
  }
}

function writeCache(file: string, cache: Record<string, number>): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(cache, null, 1));
    fs.renameSync(tmp, file); // atomic: two runs at once never leave half a file
  } catch {
    // A read-only home only means measuring again next time.
  }
}

/**
 * The scale factor that brings one task to the target, from a task's measured CPU seconds at scale
 * 1; `exponent` says how the time grows with the scale (time ∝ scale^exponent).
 */
export function factorFor(taskSeconds: number, exponent = 1): number {
  return Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, (TARGET_TASK_SECONDS / taskSeconds) ** (1 / exponent)));
}

export async function calibrate(key: string, measure: TaskMeter, file = cacheFile(), exponent = 1): Promise<Calibration | undefined> {
  const known: number | undefined = readCache(file)[key];
  if (known !== undefined) return { taskSeconds: known, factor: factorFor(known, exponent), cached: true };
  const measured = await measure();
  if (measured === undefined || !(measured > 0)) return undefined;
  writeCache(file, { ...readCache(file), [key]: measured });
  return { taskSeconds: measured, factor: factorFor(measured, exponent), cached: false };
}
