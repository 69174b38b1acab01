/**
 * Saves what the panel exports: the webview made the file (from the shared trace code) and names it;
 * the message was checked (format, size, a plain file name), so this only asks where and writes it.
 */
import * as vscode from 'vscode';
import * as os from 'node:os';
import { EXPORT_FILES, type SaveMessage } from '../../shared/protocol';
import { exportBytes } from './exportBytes';

export async function saveExport(message: SaveMessage, log: vscode.LogOutputChannel): Promise<void> {
  const label = {
    'chrome-trace': vscode.l10n.t('Chrome Trace (Perfetto)'),
    png: vscode.l10n.t('PNG image'),
    svg: vscode.l10n.t('SVG image'),
    csv: vscode.l10n.t('CSV table'),
  }[message.format];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, message.fileName),
    filters: { [label]: [EXPORT_FILES[message.format].extension] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, exportBytes(message));
    log.info(`exported ${message.format} to ${target.toString(true)}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', target.fsPath || target.toString(true)));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log.error(`export to ${target.toString(true)} failed: ${reason}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not export the run: {0}', reason));
  }
}
