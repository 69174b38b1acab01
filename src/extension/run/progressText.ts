/**
 * The engine reports progress as "<variant title> (i/n)" in English (it knows no languages); the
 * titles are few and fixed (src/shared/variants.ts), so they are looked up in the l10n bundle here.
 * The webview can use the same keys for the variant names in its charts.
 */
import * as vscode from 'vscode';

/** Variant titles the engine uses, listed so the l10n test checks each has a translation. */
export const VARIANT_TITLE_KEYS = {
  sequential: 'Sequential',
  threads: 'Threads',
  processes: 'Processes',
  workers: 'worker_threads',
  childProcesses: 'Child processes',
  threadTarget: 'Thread(target=…)',
  threadSubclass: 'Thread subclass',
  workerPerDownload: 'Worker per download',
  workerSubclass: 'Worker subclass',
  daemonOn: 'daemon=True',
  daemonOff: 'daemon=False',
  unref: 'worker.unref()',
  refd: 'ref’d workers',
  noLock: 'Without a lock',
  lock: 'With a lock',
  pool: 'Pool of {0}',
};

export function localizeVariantTitle(title: string): string {
  const pool = /^Pool of (\d+)$/.exec(title);
  return pool ? vscode.l10n.t('Pool of {0}', pool[1]) : vscode.l10n.t(title);
}

/** "Threads (2/3)" or, for a repeated run, "Threads (2/3, run 1 of 5)". */
export function localizeProgress(message: string): string {
  const m = /^(.*) \((\d+)\/(\d+)(?:, run (\d+) of (\d+))?\)$/.exec(message);
  if (!m) return message;
  const round = m[4] ? `, ${vscode.l10n.t('run {0} of {1}', m[4], m[5])}` : '';
  return `${localizeVariantTitle(m[1])} (${m[2]}/${m[3]}${round})`;
}
