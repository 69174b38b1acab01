/**
 * Reading the demo panel through its test hook (`window.__clabTest`, see src/webview/testHook.ts)
 * and its DOM: waiting for a run to finish, the lanes drawn per variant, the summary's outcomes.
 */
import type { Frame, Page } from 'playwright-core';
import type { CodeServer } from '../../../scripts/e2e/codeServer';
import { waitForFrame } from '../../../scripts/e2e/workbench';

const HAS_HOOK = '!!window.__clabTest';

/** The part of the panel's hook these tests read (declared here: the webview's types need DOM libs the tests do not load). */
interface Hook {
  runs(): number;
  lessons(): string[];
  variants(): { id: string; lanes: string[]; rects: number; draws: number }[];
}
type HookWindow = { __clabTest?: Hook };

export interface PanelState {
  runs: number;
  running: boolean;
  failure: string;
  status: string;
}

export interface DrawnVariant {
  id: string;
  lanes: string[];
  rects: number;
  draws: number;
}

export interface SummaryRow {
  variant: string;
  outcome: string;
  bad: boolean;
}

export async function panelFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  return waitForFrame(page, HAS_HOOK, timeoutMs);
}

export async function panelState(frame: Frame): Promise<PanelState> {
  return frame.evaluate(() => {
    const failure = document.querySelector<HTMLElement>('.failure');
    const cancel = document.querySelector<HTMLElement & { disabled?: boolean }>('#clab-cancel');
    return {
      runs: (window as unknown as HookWindow).__clabTest?.runs() ?? 0,
      running: !!cancel && cancel.disabled === false,
      failure: failure && !failure.hidden ? failure.innerText.trim() : '',
      status: document.querySelector('.status')?.textContent ?? '',
    };
  });
}

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';

/** Where the extension's own log stood before a run was asked for. */
export interface RunMark {
  lastRunId: number;
  failures: number;
}

/**
 * Reads the extension's log ("run #N: finished …", "… failed (kind) …"). The log, not the panel,
 * tells when a run ended: the panel restores earlier runs, and may open after a short run is done.
 */
export function runMark(server: CodeServer): RunMark {
  const log = server.extensionLog(EXTENSION_ID);
  const ids = [...log.matchAll(/run #(\d+): finished/g)].map((m) => Number(m[1]));
  return { lastRunId: Math.max(0, ...ids), failures: (log.match(/ failed \(\w+\) after /g) ?? []).length };
}

/**
 * Waits for the run asked for after `mark` to end, then for the panel to draw it (its variant ids
 * equal `expectIds` when given). Throws with the log's reason when the run failed.
 */
export async function waitForRun(page: Page, server: CodeServer, mark: RunMark, expectIds?: string[], timeoutMs = 180_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = runMark(server);
    if (now.failures > mark.failures) {
      const line = server.extensionLog(EXTENSION_ID).split('\n').filter((l) => / failed \(\w+\) after /.test(l)).pop();
      throw new Error(`the demo failed: ${line ?? '(no log line)'}`);
    }
    if (now.lastRunId > mark.lastRunId) break;
    await page.waitForTimeout(250);
  }
  if (Date.now() >= deadline) throw new Error(`no run finished within ${timeoutMs / 1000} s (extension log: ${JSON.stringify(runMark(server))})`);
  const frame = await panelFrame(page, Math.max(10_000, deadline - Date.now()));
  for (;;) {
    const ids = (await drawnVariants(frame)).map((v) => v.id);
    const shown = !expectIds || JSON.stringify(ids) === JSON.stringify(expectIds);
    if (shown && !(await panelState(frame)).running && (await allDrawn(frame))) return frame;
    if (Date.now() >= deadline) throw new Error(`the panel did not draw the finished run (it shows ${ids.join(', ') || 'nothing'})`);
    await page.waitForTimeout(250);
  }
}

/**
 * Browser-side check that the current run's timelines are drawn. `draws` counts frames since the
 * chart was created; a chart kept from the previous run can show its new rectangles with draws
 * still 0, so rectangles drawn count as drawn too.
 */
export function drawnCheck(): boolean {
  const variants = (window as unknown as HookWindow).__clabTest?.variants() ?? [];
  return variants.length > 0 && variants.every((v) => v.draws > 0 || v.rects > 0);
}

async function allDrawn(frame: Frame): Promise<boolean> {
  return frame.evaluate(drawnCheck);
}

export async function drawnVariants(frame: Frame): Promise<DrawnVariant[]> {
  return frame.evaluate(() =>
    ((window as unknown as HookWindow).__clabTest?.variants() ?? []).map((v) => ({ id: v.id, lanes: v.lanes, rects: v.rects, draws: v.draws })),
  );
}

export async function summaryRows(frame: Frame): Promise<SummaryRow[]> {
  return frame.evaluate(() =>
    Array.from(document.querySelectorAll('.summary-table tbody tr')).map((tr) => {
      const cells = tr.querySelectorAll('td');
      const outcome = cells[cells.length - 1];
      return {
        variant: tr.querySelector('th')?.textContent?.trim() ?? '',
        outcome: outcome?.textContent?.trim() ?? '',
        bad: !!outcome?.classList.contains('bad'),
      };
    }),
  );
}

export async function lessons(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => (window as unknown as HookWindow).__clabTest?.lessons() ?? []);
}

/** Sets a control (a vscode-elements field, by id without `clab-`) as a learner's edit would. */
export async function setControl(frame: Frame, name: string, value: string): Promise<void> {
  await frame.evaluate(
    ([id, v]) => {
      const field = document.getElementById(`clab-${id}`) as (HTMLElement & { value: string }) | null;
      if (!field) throw new Error(`no control clab-${id}`);
      field.value = v;
      field.dispatchEvent(new Event('change', { bubbles: true }));
      field.dispatchEvent(new Event('input', { bubbles: true }));
    },
    [name, value] as const,
  );
}

/** Presses the panel's Run button and waits for that run; returns the frame. */
export async function runFromControls(page: Page, server: CodeServer, frame: Frame, expectIds?: string[]): Promise<Frame> {
  const mark = runMark(server);
  await frame.locator('#clab-run').click();
  return waitForRun(page, server, mark, expectIds);
}
