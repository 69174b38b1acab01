/**
 * Which files Trace This Program runs, and on what. The same table as the engine's
 * (src/engine/traceProgram.ts, checked equal by a unit test), kept here so the extension bundle does
 * not pull in the engine to read a file name.
 */
import type { Runtime } from '../../shared/trace';

export const PROGRAM_EXTENSIONS: Readonly<Record<string, Runtime>> = { '.py': 'python', '.mjs': 'node', '.js': 'node', '.cjs': 'node' };

/** The runtime for a file name or path (any folder, any name), or undefined when it is not a program. */
export function programRuntime(fileName: string): Runtime | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  return dot > slash + 1 ? PROGRAM_EXTENSIONS[fileName.slice(dot).toLowerCase()] : undefined;
}
