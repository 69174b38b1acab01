/**
 * Wall time of every variant side by side, with the ideal (perfect scaling from the baseline)
 * marked as a dashed line across the bar. uPlot gives the axes and scales; the bars are drawn in
 * its draw hook so the ideal marks share their geometry.
 */
import uPlot from 'uplot';
import type { VariantFigures } from './analysis';
import type { Texts } from './i18n';
import type { Theme } from './theme';

export class TimingChart {
  readonly root: HTMLDivElement;
  private readonly plot: uPlot;

  constructor(
    private readonly figures: VariantFigures[],
    private readonly theme: () => Theme,
    private readonly texts: Texts,
    width: number,
  ) {
    this.root = document.createElement('div');
    this.root.className = 'timing';
    this.root.setAttribute('role', 'img');
    this.root.setAttribute(
      'aria-label',
      figures.map((f) => `${f.title}: ${texts.ms(f.wallMs)}${f.idealMs !== undefined ? ` (${texts.t('ideal')} ${texts.ms(f.idealMs)})` : ''}`).join('; '),
    );
    const n = figures.length;
    const top = Math.max(1, ...figures.map((f) => Math.max(f.wallMs, f.idealMs ?? 0))) * 1.18;
    const font = `12px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
    this.plot = new uPlot(
      {
        width,
        height: 150, // short: the timelines below are the heart of the panel and should start above the fold
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { auto: false, range: [0, top] } },
        series: [{}, { paths: () => null, points: { show: false } }],
        axes: [
          {
            stroke: () => theme().foreground,
            font,
            grid: { show: false },
            ticks: { show: false },
            splits: () => figures.map((_f, i) => i),
            values: (_u, splits) => splits.map((i) => figures[i]?.title ?? ''),
          },
          {
            stroke: () => theme().foreground,
            font,
            grid: { stroke: () => theme().grid, width: 1 },
            ticks: { stroke: () => theme().grid },
            size: 64,
            values: (_u, splits) => splits.map((v) => `${+v.toPrecision(4)} ms`),
          },
        ],
        hooks: { draw: [(u) => this.draw(u)] },
      },
      [figures.map((_f, i) => i), figures.map((f) => f.wallMs)],
      this.root,
    );
  }

  private draw(u: uPlot): void {
    const theme = this.theme();
    const ctx = u.ctx;
    const dpr = ctx.canvas.width / u.width || 1;
    const slot = u.bbox.width / Math.max(this.figures.length, 1);
    const barW = Math.min(slot * 0.5, 120 * dpr);
    const base = u.valToPos(0, 'y', true);
    ctx.save();
    ctx.font = `${11 * dpr}px sans-serif`;
    ctx.textAlign = 'center';
    this.figures.forEach((f, i) => {
      const cx = u.valToPos(i, 'x', true);
      const y = u.valToPos(f.wallMs, 'y', true);
      ctx.fillStyle = f.error || f.outcome?.ok === false ? theme.error : theme.stateFill[0];
      ctx.fillRect(cx - barW / 2, y, barW, base - y);
      if (theme.outline) {
        ctx.strokeStyle = theme.outline;
        ctx.lineWidth = dpr;
        ctx.strokeRect(cx - barW / 2, y, barW, base - y);
      }
      ctx.fillStyle = theme.foreground;
      // Above the bar, or above the ideal mark when that is higher, so the two never overlap.
      const labelY = Math.min(y, f.idealMs === undefined ? y : u.valToPos(f.idealMs, 'y', true) - 6 * dpr) - 4 * dpr;
      ctx.fillText(`${this.texts.ms(f.wallMs)} · ${this.texts.ratio(f.speedup)}`, cx, labelY);
      if (f.idealMs !== undefined) {
        const iy = u.valToPos(f.idealMs, 'y', true);
        ctx.strokeStyle = theme.foreground;
        ctx.lineWidth = 2 * dpr;
        ctx.setLineDash([5 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(cx - barW / 2 - 6 * dpr, iy);
        ctx.lineTo(cx + barW / 2 + 6 * dpr, iy);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textAlign = 'left';
        ctx.fillText(this.texts.t('ideal'), cx + barW / 2 + 8 * dpr, iy + 4 * dpr);
        ctx.textAlign = 'center';
      }
    });
    ctx.restore();
  }

  get canvas(): HTMLCanvasElement {
    return this.plot.ctx.canvas;
  }

  redraw(): void {
    this.plot.redraw(false, true);
  }

  setWidth(width: number): void {
    if (Math.abs(width - this.plot.width) >= 1) this.plot.setSize({ width, height: this.plot.height });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
