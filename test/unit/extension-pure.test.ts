import { strict as assert } from 'node:assert';
import { LessonProgress } from '../../src/extension/lessonProgress';
import { exportBytes } from '../../src/extension/panel/exportBytes';
import { buildPanelHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/panel/panelHtml';
import { hintFor } from '../../src/extension/run/runHints';
import { toChromeTrace } from '../../src/shared/chromeTrace';
import type { Trace } from '../../src/shared/trace';

const identity = (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, n: string) => String(args[Number(n)]));

const trace: Trace = {
  schema: 2,
  scenario: 'download',
  runtime: 'node',
  params: {},
  env: { platform: 'linux', cpus: 2, node: 'v20' },
  startedAt: '2026-11-27T08:00:00.000Z',
  variants: [{ id: 'sequential', title: 'Sequential', wallUs: 1000, lanes: [{ id: 0, name: 'main', kind: 'main' }], spans: [{ lane: 0, state: 'running', start: 0, end: 1000 }], marks: [] }],
};

describe('extension pure modules', () => {
  describe('panel HTML', () => {
    it('uses a strict CSP with a fresh nonce and carries no data', () => {
      const a = makeNonce();
      const b = makeNonce();
      assert.notEqual(a, b);
      assert.match(a, /^[A-Za-z0-9]{16,}$/);
      const html = buildPanelHtml({ cspSource: 'vscode-resource:', scriptUri: 'res://dist/webview.js', styleUri: 'res://dist/webview.css', language: 'zh-cn', title: 'Demo' }, 'NONCE1');
      assert.ok(html.includes(contentSecurityPolicy('vscode-resource:', 'NONCE1')));
      assert.equal(
        contentSecurityPolicy('src:', 'n'),
        "default-src 'none'; img-src src: data:; style-src src:; font-src src:; script-src 'nonce-n'",
      );
      assert.match(html, /<script nonce="NONCE1" src="res:\/\/dist\/webview.js"><\/script>/);
      assert.match(html, /<link rel="stylesheet" href="res:\/\/dist\/webview.css">/);
      assert.match(html, /<div id="app"><\/div>/);
      assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline data');
      assert.doesNotMatch(html, /unsafe-inline|<style/);
    });

    it('escapes attribute values', () => {
      const html = buildPanelHtml({ cspSource: 'x', scriptUri: '"><script>', styleUri: 's', language: 'en', title: '<t>' }, 'n');
      assert.doesNotMatch(html, /"><script>/);
      assert.match(html, /&lt;t&gt;/);
    });
  });

  describe('lesson progress', () => {
    const store = () => {
      const map = new Map<string, unknown>();
      return { get: <T>(k: string) => map.get(k) as T | undefined, update: async (k: string, v: unknown) => void map.set(k, v), map };
    };

    it('records activities per section and counts them', async () => {
      const s = store();
      const progress = new LessonProgress(s);
      await progress.record('gil', 'ran');
      await progress.record('gil', 'ran');
      await progress.record('gil', 'quiz');
      assert.deepEqual(progress.count('gil'), { done: 2, total: 4 });
      assert.deepEqual(progress.count('thread-pools'), { done: 0, total: 4 });
      assert.deepEqual(new LessonProgress(s).of('gil'), { ran: true, quiz: true });
    });

    it('drops stored junk instead of failing', () => {
      const s = store();
      s.map.set('concurrencyLab.progress', { gil: { ran: 'yes', quiz: true }, nonsense: { ran: true }, 'thread-pools': 3 });
      const progress = new LessonProgress(s);
      assert.deepEqual(progress.of('gil'), { quiz: true });
      assert.deepEqual(progress.of('thread-pools'), {});
    });
  });

  describe('run failure hints', () => {
    it('tells what to do when Python is missing, with the buttons that do it', () => {
      const h = hintFor('runtime-missing', 'python', identity);
      assert.match(h.hint ?? '', /Python Path.*Node/);
      assert.deepEqual(h.actions, ['open-settings', 'use-node']);
    });

    it('points at the learner program when it crashed, and stays quiet on cancel', () => {
      assert.ok(hintFor('crashed', 'python', identity, 'copy').actions.includes('open-program'));
      assert.deepEqual(hintFor('cancelled', 'node', identity), { actions: [] });
      assert.match(hintFor('timeout', 'node', identity).hint ?? '', /Timeout Seconds/);
    });
  });

  describe('export bytes', () => {
    it('decodes a PNG from base64 (with or without a data: prefix)', () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
      for (const content of [png.toString('base64'), `data:image/png;base64,${png.toString('base64')}`]) {
        const r = exportBytes({ type: 'save', format: 'png', runIndex: 0, content }, undefined, undefined);
        assert.ok(r.ok);
        if (r.ok) assert.deepEqual(Buffer.from(r.bytes), png);
      }
    });

    it('converts the kept trace to Chrome Trace JSON, preferring a trace the webview sent', () => {
      const byIndex = exportBytes({ type: 'save', format: 'chrome-trace', runIndex: 0 }, trace, toChromeTrace);
      assert.ok(byIndex.ok);
      if (byIndex.ok) assert.ok(Array.isArray(JSON.parse(Buffer.from(byIndex.bytes).toString()).traceEvents));
      const sent = exportBytes({ type: 'save', format: 'chrome-trace', runIndex: 5, content: JSON.stringify(trace) }, undefined, toChromeTrace);
      assert.ok(sent.ok);
      const missing = exportBytes({ type: 'save', format: 'chrome-trace', runIndex: 5 }, undefined, toChromeTrace);
      assert.equal(missing.ok, false);
    });

    it('refuses text formats without content', () => {
      assert.equal(exportBytes({ type: 'save', format: 'csv', runIndex: 0 }, trace, undefined).ok, false);
      const svg = exportBytes({ type: 'save', format: 'svg', runIndex: 0, content: '<svg/>' }, trace, undefined);
      assert.ok(svg.ok);
    });
  });
});
