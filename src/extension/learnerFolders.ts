/**
 * Where the learner's copies of the lesson programs live, shared by the commands that make them
 * (Open Demo Program, Reset) and the one that notices them being traced (Trace This Program).
 */
import * as vscode from 'vscode';

/** The folder in a workspace that holds the copies (`concurrency-lab/<runtime>/<file>`). */
export const LEARNER_FOLDER = 'concurrency-lab';

/** Where new copies go: the trusted workspace's `concurrency-lab/`, else the extension's private storage. */
export function learnerRoot(globalStorageUri: vscode.Uri): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && vscode.workspace.isTrusted ? vscode.Uri.joinPath(folder.uri, LEARNER_FOLDER) : vscode.Uri.joinPath(globalStorageUri, 'programs');
}

/**
 * Every folder a copy may have been made in, as paths on disk: each workspace folder's, since the
 * first folder may have changed since the copy was made, and the private storage (a copy made
 * before the workspace was trusted).
 */
export function learnerRootPaths(globalStorageUri: vscode.Uri): string[] {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, LEARNER_FOLDER));
  return [...roots, vscode.Uri.joinPath(globalStorageUri, 'programs')].filter((u) => u.scheme === 'file').map((u) => u.fsPath);
}
