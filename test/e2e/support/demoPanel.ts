/**
 * Reading the demo panel through its test hook (`window.__clabTest`, see src/webview/testHook.ts)
 * and its DOM: waiting for a run to finish, the lanes drawn per variant, the summary's outcomes.
 */
import type { Frame, Page } from 'playwright-core';
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

/**
 * Waits until the run in progress (or about to start) has finished and is drawn. `before` is the
 * number of runs the panel held before the run was asked for (undefined: the panel is new).
 * Throws with the panel's own error text when the run failed.
 */
export async function waitForRun(page: Page, before: number | undefined, timeoutMs = 180_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  const frame = await panelFrame(page, Math.min(timeoutMs, 90_000));
  let baseline = before;
  let seenRunning = false;
  while (Date.now() < deadline) {
    const state = await panelState(frame);
    baseline ??= state.runs;
    seenRunning ||= state.running;
    if (state.failure && !state.running) throw new Error(`the demo failed in the panel: ${state.failure}`);
    const finished = !state.running && (state.runs > baseline || (seenRunning && state.runs >= baseline && state.runs > 0));
    if (finished && (await allDrawn(frame))) return frame;
    await page.waitForTimeout(250);
  }
  throw new Error(`no finished run in the panel within ${timeoutMs / 1000} s`);
}

async function allDrawn(frame: Frame): Promise<boolean> {
  return frame.evaluate(() => {
    const variants = (window as unknown as HookWindow).__clabTest?.variants() ?? [];
    return variants.length > 0 && variants.every((v) => v.draws > 0);
  });
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
export async function runFromControls(page: Page, frame: Frame): Promise<Frame> {
  const before = (await panelState(frame)).runs;
  await frame.locator('#clab-run').click();
  return waitForRun(page, before);
}
