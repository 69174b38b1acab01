import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/run/runController';
import { api, extension } from './helpers';

describe('learner programs', () => {
  it('copies a program and its helpers, then opens it beside', async () => {
    await api();
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { scenario: 'download', language: 'node' });
    assert.ok(copy, 'a copy was made');
    const shipped = vscode.Uri.joinPath(extension().extensionUri, 'media', 'programs', 'node', 'download.mjs');
    assert.deepEqual(await vscode.workspace.fs.readFile(copy), await vscode.workspace.fs.readFile(shipped));
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(copy, '..', 'common.mjs'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), copy.toString());
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder && vscode.workspace.isTrusted) assert.ok(copy.path.startsWith(`${folder.uri.path}/concurrency-lab/`));
  });

  it('runs the learner copy through the engine in a trusted workspace', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const lab = await api();
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.runMyProgram', { scenario: 'download', language: 'node' });
    assert.ok(outcome?.ok, outcome && !outcome.ok ? `${outcome.kind}: ${outcome.message}` : 'no outcome');
    assert.match(lab.lastRunSpec()?.programPath ?? '', /concurrency-lab.node.download\.mjs$/);
  });

  it('resets a copy to the original, and makes it again when it was deleted', async () => {
    await api();
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { example: 'reentrant' });
    assert.ok(copy, 'the example was copied');
    await vscode.workspace.fs.delete(copy);
    const reset = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.resetProgram', { example: 'reentrant' });
    assert.equal(reset?.toString(), copy.toString());
    const shipped = vscode.Uri.joinPath(extension().extensionUri, 'media', 'programs', 'python', 'reentrant.py');
    assert.deepEqual(await vscode.workspace.fs.readFile(copy), await vscode.workspace.fs.readFile(shipped));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
