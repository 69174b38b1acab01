/**
 * Trace This Program in the extension host: the editor's program, saved first, run as it is in its
 * workspace folder with the arguments given, remembered or set, on Python or Node, into the panel.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/run/runController';
import type { Trace } from '../../src/shared/trace';
import { api, waitFor, withSettings } from './helpers';

const trace = (...args: unknown[]) => vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.traceProgram', ...args);

/** Four threads queue for one lock, each holding it 50 ms; then the program prints its arguments and folder. */
const QUEUE_PY = [
  'import os, sys, threading, time',
  'lock = threading.Lock()',
  'def work(n):',
  '    with lock:',
  '        time.sleep(0.05)',
  'threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]',
  'for t in threads: t.start()',
  'for t in threads: t.join()',
  'print("args", sys.argv[1:])',
  'print("cwd", os.getcwd())',
  '',
].join('\n');

const output = (t: Trace | undefined) => (t?.variants[0]?.output ?? []).map((c) => c.text).join('');

function okTrace(outcome: RunOutcome | undefined): Trace {
  assert.ok(outcome, 'the command ran nothing');
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}\n${outcome.output ?? ''}`);
  return outcome.trace;
}

describe('Trace This Program', function () {
  this.timeout(120_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  let program: vscode.Uri;

  before(async function () {
    if (!folder || folder.uri.scheme !== 'file' || !vscode.workspace.isTrusted) this.skip();
    // Any name, any folder: spaces in both.
    program = vscode.Uri.joinPath(folder.uri, 'my programs', 'queue for a lock.py');
    await vscode.workspace.fs.writeFile(program, Buffer.from(QUEUE_PY));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('saves the editor first, runs the file in its workspace folder and shows the threads in the panel', async () => {
    const lab = await api();
    const editor = await vscode.window.showTextDocument(program);
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount - 1, 0), 'print("edited before the run")\n'));
    assert.ok(editor.document.isDirty);
    const t = okTrace(await trace());
    assert.equal(editor.document.isDirty, false, 'the edit was saved');
    const spec = lab.lastTraceSpec();
    assert.equal(spec?.file, program.fsPath);
    assert.equal(spec?.cwd, folder!.uri.fsPath);
    assert.deepEqual(spec?.args, []);
    assert.equal(spec?.runtime, 'python');
    assert.equal(t.scenario, 'program');
    const v = t.variants[0];
    assert.equal(v.exitCode, 0);
    assert.match(output(t), /edited before the run/);
    assert.match(output(t), new RegExp(`cwd ${folder!.uri.fsPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    for (let i = 1; i <= 4; i++) assert.ok(v.lanes.some((l) => l.name.startsWith(`Thread-${i}`)), `Thread-${i} in ${v.lanes.map((l) => l.name).join(', ')}`);
    assert.ok(v.spans.some((s) => s.state === 'lock-wait'), 'a thread waited for the lock');
    assert.ok(lab.isPanelOpen(), 'the panel is open');
    await waitFor(() => lab.isPanelReady(), 30_000, 'the webview to say ready');
    // The panel's code link: the run's program opens (the run names it); a file it does not name stays shut.
    const place = { type: 'open-source' as const, startedAt: t.startedAt, scenario: t.scenario, runtime: t.runtime, file: 'queue for a lock.py', line: 4 };
    await lab.openSource(place);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, program.fsPath);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 3);
    const outside = join(realpathSync(mkdtempSync(join(tmpdir(), 'clab-outside-'))), 'other.py');
    writeFileSync(outside, 'x = 1\n');
    await lab.openSource({ ...place, file: outside, line: 1 });
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.fsPath, outside, 'a file the run does not name is refused');
  });

  it('passes arguments given with the command, remembers them for the file, and falls back to the setting elsewhere', async () => {
    const lab = await api();
    assert.match(output(okTrace(await trace(program, { args: `--name "two words" -n 3` }))), /args \['--name', 'two words', '-n', '3'\]/);
    // The menus pass the file alone: the file's arguments are remembered.
    await vscode.window.showTextDocument(program);
    assert.match(output(okTrace(await trace(program, { groupId: 0 }))), /args \['--name', 'two words', '-n', '3'\]/);
    const other = vscode.Uri.joinPath(folder!.uri, 'other.py');
    await vscode.workspace.fs.writeFile(other, Buffer.from('import sys\nprint("args", sys.argv[1:])\n'));
    await withSettings({ programArgs: `--from 'the setting'` }, async () => {
      assert.match(output(okTrace(await trace(other))), /args \['--from', 'the setting'\]/);
      assert.match(output(okTrace(await trace(program))), /args \['--name', 'two words', '-n', '3'\]/, 'the file keeps its own');
      // A line that cannot be split runs nothing.
      await vscode.workspace.getConfiguration('concurrencyLab').update('programArgs', `--from 'nowhere`, vscode.ConfigurationTarget.Global);
      const before = lab.lastTraceSpec();
      assert.equal(await trace(other), undefined);
      assert.equal(lab.lastTraceSpec(), before);
    });
    // Given empty, the file runs with no arguments from now on.
    assert.match(output(okTrace(await trace(program, { args: '' }))), /args \[\]/);
  });

  it('runs a Node program on the editor\'s own Node, and a file outside the workspace in its own folder', async () => {
    const lab = await api();
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'clab-outside-')));
    const file = join(outside, 'worker demo.cjs');
    writeFileSync(
      file,
      [
        "const { Worker, isMainThread } = require('node:worker_threads');",
        'if (isMainThread) {',
        "  console.log('cwd', process.cwd(), 'args', JSON.stringify(process.argv.slice(2)));",
        '  new Worker(__filename).on("exit", () => console.log("worker done"));',
        '} else {',
        '  const end = Date.now() + 50; while (Date.now() < end);',
        '}',
      ].join('\n'),
    );
    const t = okTrace(await trace(vscode.Uri.file(file), { args: 'a b' }));
    assert.equal(t.runtime, 'node');
    assert.equal(lab.lastTraceSpec()?.cwd, outside);
    assert.match(output(t), new RegExp(`cwd ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} args \\["a","b"\\]`));
    assert.match(output(t), /worker done/);
    assert.ok(t.variants[0].lanes.length >= 2, `the main thread and the worker: ${t.variants[0].lanes.map((l) => l.name).join(', ')}`);
  });

  it("completes the section's change step only when the learner's copy was edited before it was traced", async () => {
    const lab = await api();
    const key = 'concurrencyLab.step.race-conditions.change';
    // A fresh copy of the race section's example, in the display language (none is left from another suite).
    const copyPath = vscode.Uri.joinPath(folder!.uri, 'concurrency-lab', 'python', 'reentrant.py');
    await vscode.workspace.fs.delete(copyPath).then(undefined, () => undefined);
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { example: 'reentrant' });
    assert.equal(copy?.toString(), copyPath.toString());
    assert.ok(!lab.completedSteps().includes(key), 'completed before the test');

    // Unedited: traced, and the step stays open.
    assert.match(output(okTrace(await trace(copyPath, { args: '' }))), /RLock/);
    assert.ok(!lab.completedSteps().includes(key), 'an unedited copy completed the step');
    // A file of the same name that is nobody's copy, edited or not, does not count either.
    const stranger = vscode.Uri.joinPath(folder!.uri, 'my programs', 'python', 'reentrant.py');
    await vscode.workspace.fs.writeFile(stranger, Buffer.from('print("not a copy")\n'));
    okTrace(await trace(stranger, { args: '' }));
    assert.ok(!lab.completedSteps().includes(key), 'an unrelated file completed the step');

    // Edited in the editor (unsaved: the command saves it), then traced: the step is done.
    const editor = await vscode.window.showTextDocument(copyPath);
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount - 1, 0), 'print("my edit")\n'));
    assert.match(output(okTrace(await trace(copyPath, { args: '' }))), /my edit/);
    assert.ok(lab.completedSteps().includes(key), `not completed: ${lab.completedSteps().join(', ')}`);
    assert.equal(lab.progressOf('race-conditions').changed, true);
    assert.deepEqual(lab.completedSteps().filter((k) => k.endsWith('.change')), [key], 'only that section\'s change step');
    await vscode.workspace.fs.delete(copyPath);
  });

  it('refuses a file that is not a program, with a message, and runs nothing', async () => {
    const lab = await api();
    const notes = vscode.Uri.joinPath(folder!.uri, 'notes.md');
    await vscode.workspace.fs.writeFile(notes, Buffer.from('# notes\n'));
    const before = lab.lastTraceSpec();
    assert.equal(await trace(notes), undefined);
    await vscode.window.showTextDocument(notes);
    assert.equal(await trace(), undefined);
    assert.equal(lab.lastTraceSpec(), before);
  });
});
