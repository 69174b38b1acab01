/**
 * A program's output as lines with times: the trace keeps it as chunks in the order the engine
 * received them, a chunk holding any number of lines and a line possibly spread over chunks. Each
 * line is timed by the chunk where it began. Pure: no DOM, so the splitting is tested in Node.
 */
import type { OutputChunk } from '../shared/trace';

export interface OutputLines {
  /** Lines in the order they began (so by time), without their line break. */
  text: string[];
  /** When each line began: µs since the variant's start (negative: before it began). */
  atUs: Float64Array;
  /** 1 where the line is on stderr. */
  stderr: Uint8Array;
}

/** Chunks by time; the engine gives them in order, so sort (stably) only when they are not. */
function inTimeOrder(chunks: OutputChunk[]): OutputChunk[] {
  for (let i = 1; i < chunks.length; i++) if (chunks[i].at < chunks[i - 1].at) return chunks.map((c, k) => ({ c, k })).sort((a, b) => a.c.at - b.c.at || a.k - b.k).map((x) => x.c);
  return chunks;
}

/** Without the carriage return of a CRLF line ending. */
const trimCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Splits the output into lines. A line is continued only by later text of its own stream (stdout
 * and stderr are separate pipes: an unfinished stdout line is not ended by a stderr chunk), and a
 * last line without a line break still counts.
 */
export function splitOutput(chunks: OutputChunk[]): OutputLines {
  const text: string[] = [];
  const at: number[] = [];
  const err: number[] = [];
  // Per stream, the line begun but not yet ended: its index and the pieces so far.
  const open = new Map<string, { index: number; parts: string[] }>();
  for (const chunk of inTimeOrder(chunks)) {
    // One native split per chunk: far faster than walking the text for line breaks.
    const parts = chunk.text.split('\n');
    const last = parts.length - 1;
    const stderr = chunk.stream === 'stderr' ? 1 : 0;
    let k = 0;
    const line = open.get(chunk.stream);
    if (line) {
      line.parts.push(parts[0]);
      if (last === 0) continue;
      text[line.index] = trimCr(line.parts.join(''));
      open.delete(chunk.stream);
      k = 1;
    }
    for (; k < last; k++) {
      text.push(trimCr(parts[k]));
      at.push(chunk.at);
      err.push(stderr);
    }
    // After the last line break (or with none): a line that later chunks of this stream continue.
    if (k === last && parts[last] !== '') {
      open.set(chunk.stream, { index: text.length, parts: [parts[last]] });
      text.push('');
      at.push(chunk.at);
      err.push(stderr);
    }
  }
  for (const line of open.values()) text[line.index] = trimCr(line.parts.join(''));
  return { text, atUs: Float64Array.from(at), stderr: Uint8Array.from(err) };
}

/** How many lines began at or before `ms` (ms since the variant's start): the first that did not. */
export function linesUpTo(lines: OutputLines, ms: number): number {
  const us = ms * 1000;
  const a = lines.atUs;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= us) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
