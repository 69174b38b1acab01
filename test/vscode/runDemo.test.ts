import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/run/runController';
import { api, waitFor, withSettings } from './helpers';

const run = (args: unknown) => vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.runDemo', args);

describe('Run Concurrency Demo', () => {
  it('runs the download demo on Node, keeps its trace and shows the panel', async () => {
    const lab = await api();
    const outcome = await run({ scenario: 'download', runtime: 'node', params: { scale: 0.2 } });
    assert.ok(outcome?.ok, outcome && !outcome.ok ? `${outcome.kind}: ${outcome.message}` : 'no outcome');
    const trace = lab.lastTrace();
    assert.ok(trace);
    assert.equal(trace.scenario, 'download');
    assert.equal(trace.runtime, 'node');
    assert.equal(trace.params.scale, 0.2);
    assert.deepEqual(trace.variants.map((v) => v.id), ['sequential', 'threads', 'subclass']);
    assert.ok(trace.variants.every((v) => v.wallUs > 0 && v.lanes.length > 0), 'every variant measured');
    assert.ok(lab.isPanelOpen(), 'the panel is open');
    await waitFor(() => lab.isPanelReady(), 30_000, 'the webview to say ready');
  });

  it('refuses bad parameters with a message and runs nothing', async () => {
    const lab = await api();
    const before = lab.lastRunSpec();
    assert.equal(await run({ scenario: 'race', runtime: 'node', params: { threads: 0, colour: 'red' } }), undefined);
    assert.equal(lab.lastRunSpec(), before);
  });

  it('honours timeoutSeconds, defaultThreads and the runtime setting', async () => {
    const lab = await api();
    await withSettings({ timeoutSeconds: 7, runtime: 'node', defaultThreads: 3 }, async () => {
      const outcome = await run({ scenario: 'gil', params: { scale: 0.1 } });
      assert.ok(outcome?.ok, outcome && !outcome.ok ? outcome.message : 'no outcome');
      assert.equal(lab.lastRunSpec()?.timeoutMs, 7000);
      assert.equal(lab.lastRunSpec()?.params.threads, 3);
      assert.equal(lab.lastTrace()?.runtime, 'node');
    });
  });

  it('reports a bad setting value and runs with the default instead of failing', async () => {
    const lab = await api();
    await withSettings({ timeoutSeconds: 'soon' }, async () => {
      assert.deepEqual(lab.settingProblems().map((p) => p.setting), ['concurrencyLab.timeoutSeconds']);
      const outcome = await run({ scenario: 'download', runtime: 'node', params: { scale: 0.1 } });
      assert.ok(outcome?.ok);
      assert.equal(lab.lastRunSpec()?.timeoutMs, 60_000);
    });
  });

  it('says what to do when the configured Python is missing, and auto falls back to Node', async () => {
    const lab = await api();
    await withSettings({ pythonPath: '/nonexistent/bin/python3', runtime: 'auto' }, async () => {
      const failed = await run({ scenario: 'download', runtime: 'python', params: { scale: 0.1 } });
      assert.equal(failed?.ok, false);
      if (failed && !failed.ok) assert.equal(failed.kind, 'runtime-missing');
      assert.equal(lab.lastRunSpec()?.pythonPath, '/nonexistent/bin/python3');
      const fallback = await run({ scenario: 'download', params: { scale: 0.1 } });
      assert.ok(fallback?.ok, fallback && !fallback.ok ? fallback.message : 'no outcome');
      assert.equal(lab.lastTrace()?.runtime, 'node');
    });
  });

  it('applies the raceLock setting when the run does not say', async () => {
    const lab = await api();
    await withSettings({ raceLock: 'on' }, async () => {
      const outcome = await run({ scenario: 'race', runtime: 'node', params: { scale: 0.2, tasks: 20 } });
      assert.ok(outcome?.ok, outcome && !outcome.ok ? outcome.message : 'no outcome');
      assert.deepEqual(lab.lastTrace()?.variants.map((v) => v.id), ['lock']);
    });
  });
});
