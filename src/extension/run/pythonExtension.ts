/**
 * The interpreter the learner picked in the Python extension, when that extension is installed: the
 * demos then run on the same Python as the learner's own code. The API module is imported only
 * when a run looks for Python, so activation stays light.
 */
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The learner's interpreter choice in the Python extension changed: a found interpreter is stale. */
const changed = new vscode.EventEmitter<void>();
export const onDidChangePythonExtensionInterpreter = changed.event;
/** Subscribed when a run first asks the Python extension, not at activation (its API loads then). */
let following: vscode.Disposable | undefined;

/** Ends the subscription to the Python extension's changes (deactivation). */
export function stopFollowingPythonExtension(): void {
  following?.dispose();
  following = undefined;
}

export async function pythonExtensionInterpreter(): Promise<string | undefined> {
  // An untrusted workspace may point the Python extension at its own binary (a .venv inside it).
  if (!vscode.workspace.isTrusted || !vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
  try {
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    following ??= api.environments.onDidChangeActiveEnvironmentPath(() => changed.fire());
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
    return env?.executable.uri?.fsPath;
  } catch {
    // The Python extension failed or is still starting: our own discovery takes over.
    return undefined;
  }
}
