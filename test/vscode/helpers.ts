/** Shared by the extension-host suites: the extension under test and its small test API. */
import * as vscode from 'vscode';
import type { LabTestApi } from '../../src/extension/testApi';

export const EXTENSION_ID = 'concurrency-lab.concurrency-lab';

export function extension(): vscode.Extension<LabTestApi> {
  const ext = vscode.extensions.getExtension<LabTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

export async function api(): Promise<LabTestApi> {
  return extension().activate();
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets user-level settings for one test and puts the old values back afterwards. */
export async function withSettings(values: Record<string, unknown>, body: () => Promise<void>): Promise<void> {
  const config = () => vscode.workspace.getConfiguration('concurrencyLab');
  const old = Object.fromEntries(Object.keys(values).map((k) => [k, config().inspect(k)?.globalValue]));
  try {
    for (const [k, v] of Object.entries(values)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    await body();
  } finally {
    for (const [k, v] of Object.entries(old)) await config().update(k, v, vscode.ConfigurationTarget.Global);
  }
}
