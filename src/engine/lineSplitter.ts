/**
 * Incremental line splitter for a byte stream decoded as UTF-8 (the socket does the decoding, so
 * multi-byte characters split across chunks arrive whole). Over-long lines are dropped up to their
 * newline and counted, so one runaway writer cannot make the engine buffer without bound.
 */
export const MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  private pending = '';
  /** True while skipping the rest of an over-long line. */
  private discarding = false;
  /** Lines dropped for being longer than the limit. */
  overlong = 0;

  constructor(private readonly maxChars = MAX_LINE_CHARS) {}

  /** Feeds a chunk and returns the complete lines it finished (without the newline). */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      const piece = chunk.slice(from, nl);
      from = nl + 1;
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pending.length + piece.length > this.maxChars) {
        this.overlong++;
      } else {
        lines.push(this.pending + piece);
      }
      this.pending = '';
    }
    const rest = chunk.slice(from);
    if (this.discarding) return lines;
    if (this.pending.length + rest.length > this.maxChars) {
      this.overlong++;
      this.pending = '';
      this.discarding = true;
    } else {
      this.pending += rest;
    }
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim().length > 0);
  }

  /** What is left when the stream ends: an unterminated last line, if any. */
  flush(): string | undefined {
    const rest = this.discarding ? '' : this.pending;
    this.pending = '';
    this.discarding = false;
    return rest.trim().length > 0 ? rest : undefined;
  }
}
