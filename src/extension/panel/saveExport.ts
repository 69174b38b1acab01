/**
 * Saves what the panel exports: a PNG of the chart (base64 from the webview), SVG or CSV text, or the
 * run as Chrome Trace JSON (converted here from the kept trace, so the webview need not send it).
 */
import * as vscode from 'vscode';
import * as os from 'node:os';
import type { ExportFormat, SaveMessage } from '../../shared/protocol';
import type { Trace } from '../../shared/trace';
import { exportBytes, type ChromeTraceConverter } from './exportBytes';

export type { ChromeTraceConverter };

const EXTENSIONS: Record<ExportFormat, string> = { 'chrome-trace': 'json', png: 'png', svg: 'svg', csv: 'csv' };

function filterFor(format: ExportFormat): Record<string, string[]> {
  switch (format) {
    case 'chrome-trace':
      return { [vscode.l10n.t('Chrome Trace (Perfetto)')]: ['json'] };
    case 'png':
      return { [vscode.l10n.t('PNG image')]: ['png'] };
    case 'svg':
      return { [vscode.l10n.t('SVG image')]: ['svg'] };
    case 'csv':
      return { [vscode.l10n.t('CSV table')]: ['csv'] };
  }
}

export async function saveExport(
  message: SaveMessage,
  runs: readonly Trace[],
  toChromeTrace: ChromeTraceConverter | undefined,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const trace = runs[message.runIndex];
  const result = exportBytes(message, trace, toChromeTrace);
  if (!result.ok) {
    log.error(`export failed: ${result.error}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not export the run: {0}', result.error));
    return;
  }
  const ext = EXTENSIONS[message.format];
  const name = trace ? `concurrency-lab-${trace.scenario}-${trace.runtime}.${ext}` : `concurrency-lab.${ext}`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, name),
    filters: filterFor(message.format),
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, result.bytes);
    log.info(`exported ${message.format} to ${target.toString(true)}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', target.fsPath || target.toString(true)));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log.error(`export to ${target.toString(true)} failed: ${reason}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not export the run: {0}', reason));
  }
}
