import { strict as assert } from 'node:assert';
import { LessonProgress } from '../../src/extension/lessonProgress';
import { exportBytes } from '../../src/extension/panel/exportBytes';
import { buildPanelHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/panel/panelHtml';
import { hintFor } from '../../src/extension/run/runHints';
import { toChromeTrace } from '../../src/shared/chromeTrace';
import { EXPORT_FORMATS, exportFileName, parseFromWebview } from '../../src/shared/protocol';
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

  describe('exports: the save message and its bytes', () => {
    const save = (m: Record<string, unknown>) => parseFromWebview({ type: 'save', format: 'csv', fileName: 'concurrency-lab-download-node.csv', content: 'a,b\n', ...m });

    it('writes exactly the bytes the webview made: a PNG from base64, text as UTF-8', () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]);
      assert.deepEqual(Buffer.from(exportBytes({ format: 'png', content: png.toString('base64') })), png);
      const json = JSON.stringify(toChromeTrace(trace));
      assert.deepEqual(Buffer.from(exportBytes({ format: 'chrome-trace', content: json })).toString('utf8'), json);
      assert.equal(Buffer.from(exportBytes({ format: 'svg', content: '<svg>λ</svg>' })).toString('utf8'), '<svg>λ</svg>');
    });

    it('names every format as before: concurrency-lab-<scenario>-<runtime>.<ext>, a plain file name', () => {
      assert.deepEqual(EXPORT_FORMATS.map((f) => exportFileName(trace, f)), ['json', 'png', 'svg', 'csv'].map((ext) => `concurrency-lab-download-node.${ext}`));
      assert.equal(exportFileName({ ...trace, scenario: '../../etc/x y' }, 'csv'), 'concurrency-lab-..-..-etc-x-y-node.csv');
      for (const format of EXPORT_FORMATS) assert.ok(save({ format, fileName: exportFileName({ ...trace, scenario: 'a/b\\c:d' }, format), content: '' }).ok);
    });

    it('accepts a save with a known format, a string under 50 MB and a plain file name of that format', () => {
      assert.deepEqual(save({}), { ok: true, value: { type: 'save', format: 'csv', fileName: 'concurrency-lab-download-node.csv', content: 'a,b\n' } });
      assert.ok(save({ format: 'png', fileName: 'x.png', content: 'iVBORw0KGgo=' }).ok);
    });

    it('refuses a bad format, missing or huge content, a PNG not in base64, and a name that is a path or of another format', () => {
      const refused: [Record<string, unknown>, RegExp][] = [
        [{ format: 'gif', fileName: 'x.gif' }, /unknown format/],
        [{ format: undefined }, /unknown format/],
        [{ content: undefined }, /content/],
        [{ content: 7 }, /content/],
        [{ content: 'x'.repeat(50 * 1024 * 1024 + 1) }, /under 50 MB/],
        [{ format: 'png', fileName: 'x.png', content: 'not base64!' }, /base64/],
        [{ fileName: '../x.csv' }, /plain file name/],
        [{ fileName: '/home/learner/.bashrc.csv' }, /plain file name/],
        [{ fileName: 'C:\\Users\\x.csv' }, /plain file name/],
        [{ fileName: 'C:x.csv' }, /plain file name/],
        [{ fileName: 'a\u0000.csv' }, /plain file name/],
        [{ fileName: 'x.csv\n' }, /plain file name/],
        [{ fileName: 'x.sh' }, /ending in \.csv/],
        [{ fileName: `${'a'.repeat(300)}.csv` }, /plain file name/],
        [{ fileName: undefined }, /plain file name/],
        [{ runIndex: 0, fileName: undefined }, /plain file name/],
      ];
      for (const [m, reason] of refused) {
        const r = save(m);
        assert.equal(r.ok, false, JSON.stringify(m).slice(0, 100));
        if (!r.ok) assert.match(r.error, reason);
      }
    });
  });
});
