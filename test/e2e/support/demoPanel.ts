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
 * Counts the run results the panel receives from now on (`run-result` and `run-failed` messages),
 * so a wait cannot mistake a run kept from earlier (the panel restores those) for the new one.
 */
export async function watchResults(frame: Frame): Promise<number> {
  return frame.evaluate(() => {
    const w = window as unknown as { __e2eResults?: number };
    if (w.__e2eResults === undefined) {
      w.__e2eResults = 0;
      window.addEventListener('message', (e: MessageEvent) => {
        const type = (e.data as { type?: unknown } | null)?.type;
        if (type === 'run-result' || type === 'run-failed') w.__e2eResults = (w.__e2eResults ?? 0) + 1;
      });
    }
    return w.__e2eResults;
  });
}

/**
 * Waits for the next run result in the panel and for its timelines to be drawn. Pass the frame and
 * the count from `watchResults` taken before asking for the run; without them the panel is taken
 * to be opening for this run (its first result counts). Throws with the panel's own error text
 * when the run failed.
 */
export async function waitForRun(page: Page, known?: { frame: Frame; results: number }, timeoutMs = 180_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  const frame = known?.frame ?? (await panelFrame(page, Math.min(timeoutMs, 90_000)));
  const baseline = known?.results ?? 0;
  if (!known) await watchResults(frame);
  while (Date.now() < deadline) {
    const results = await frame.evaluate(() => (window as unknown as { __e2eResults?: number }).__e2eResults ?? 0);
    if (results > baseline) {
      const state = await panelState(frame);
      if (state.failure) throw new Error(`the demo failed in the panel: ${state.failure}`);
      if (await allDrawn(frame)) return frame;
    }
    await page.waitForTimeout(250);
  }
  const state = await panelState(frame).catch(() => undefined);
  throw new Error(`no run result in the panel within ${timeoutMs / 1000} s (panel: ${JSON.stringify(state)})`);
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
  const results = await watchResults(frame);
  await frame.locator('#clab-run').click();
  return waitForRun(page, { frame, results });
}
