/**
 * What an export writes, as bytes: pure, so each format (and the trace-or-index choice for Chrome
 * Trace) is unit-tested without an editor.
 */
import { isRecord } from '../../shared/guards';
import { isTrace, type SaveMessage } from '../../shared/protocol';
import type { Trace } from '../../shared/trace';

/** Trace → Chrome Trace Event JSON (src/shared/chromeTrace.ts). */
export type ChromeTraceConverter = (trace: Trace) => unknown;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The bytes to write, or a reason why there is nothing to write. */
export function exportBytes(
  message: SaveMessage,
  trace: Trace | undefined,
  toChromeTrace: ChromeTraceConverter | undefined,
): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  switch (message.format) {
    case 'png': {
      if (!message.content) return { ok: false, error: 'png export without content' };
      const base64 = message.content.replace(/^data:image\/png;base64,/, '');
      return { ok: true, bytes: Buffer.from(base64, 'base64') };
    }
    case 'svg':
    case 'csv':
      return message.content !== undefined
        ? { ok: true, bytes: Buffer.from(message.content, 'utf8') }
        : { ok: false, error: `${message.format} export without content` };
    case 'chrome-trace': {
      // The webview's own run list is what `runIndex` points into, so a trace it sends wins over ours.
      const sent = parseJson(message.content);
      const source = isTrace(sent) ? sent : trace;
      if (source && toChromeTrace) return { ok: true, bytes: Buffer.from(JSON.stringify(toChromeTrace(source)), 'utf8') };
      if (isRecord(sent) && Array.isArray(sent.traceEvents)) return { ok: true, bytes: Buffer.from(message.content ?? '', 'utf8') };
      return { ok: false, error: source ? 'no Chrome Trace converter available' : `no run at index ${message.runIndex}` };
    }
  }
}
