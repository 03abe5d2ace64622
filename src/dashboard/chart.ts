import uPlot from 'uplot';
import { el, setHidden } from './dom';
import { TIME_AXIS_STEPS, formatTimeTick } from './format';

/** Colours shared by the page's charts (the canvas cannot read CSS variables cheaply). */
export const PALETTE = {
  axis: '#9aa7b8',
  grid: 'rgba(154, 167, 184, 0.15)',
  line: '#4ea1ff',
  fill: 'rgba(78, 161, 255, 0.12)',
  pos: '#2fbf71',
  neg: '#ff5c5c',
  bar: '#a78bfa',
} as const;

/** What a chart shows: uPlot's aligned data, and a signature that changes when the data does. */
export interface ChartData {
  readonly data: uPlot.AlignedData;
  readonly signature: string;
}

const HEIGHT = 220;

/**
 * A uPlot chart that is made only once its box has a width (a hidden page has none), follows
 * its box's width, and calls `setData` only when the data's signature changed.
 */
export class ChartBox {
  readonly element: HTMLElement;
  private readonly plotArea: HTMLElement;
  private readonly emptyNote: HTMLElement;
  private chart: uPlot | undefined;
  private latest: ChartData | undefined;
  private drawn = '';
  private readonly resizer: ResizeObserver;

  constructor(
    title: string,
    key: string,
    private readonly options: (width: number, height: number) => uPlot.Options,
    emptyText: string,
  ) {
    this.element = el('figure', 'chart');
    this.element.dataset.chart = key;
    const caption = el('figcaption', 'chart-title', title);
    this.plotArea = el('div', 'chart-plot');
    this.emptyNote = el('p', 'chart-empty', emptyText);
    this.element.append(caption, this.plotArea, this.emptyNote);
    this.resizer = new ResizeObserver(() => this.fit());
    this.resizer.observe(this.plotArea);
  }

  /** Takes new data; drawn now if the chart exists, else when it is made. */
  update(next: ChartData): void {
    this.latest = next;
    const empty = next.data[0].length === 0;
    setHidden(this.emptyNote, !empty);
    if (this.chart !== undefined && next.signature !== this.drawn) {
      this.drawn = next.signature;
      this.chart.setData(next.data);
    } else if (this.chart === undefined) {
      this.fit();
    }
  }

  private fit(): void {
    const width = Math.floor(this.plotArea.clientWidth);
    if (width <= 0) return;
    const height = window.matchMedia('(max-width: 640px)').matches ? 180 : HEIGHT;
    if (this.chart === undefined) {
      if (this.latest === undefined) return;
      this.drawn = this.latest.signature;
      this.chart = new uPlot(this.options(width, height), this.latest.data, this.plotArea);
    } else if (this.chart.width !== width || this.chart.height !== height) {
      this.chart.setSize({ width, height });
    }
  }
}

function axes(xValues?: uPlot.Axis['values'], xSplits?: uPlot.Axis['splits'], yValues?: uPlot.Axis['values']): uPlot.Axis[] {
  const common = { stroke: PALETTE.axis, grid: { stroke: PALETTE.grid, width: 1 }, ticks: { stroke: PALETTE.grid, width: 1 } };
  const x: uPlot.Axis = { ...common, grid: { show: false } };
  if (xValues !== undefined) x.values = xValues;
  if (xSplits !== undefined) x.splits = xSplits;
  const y: uPlot.Axis = { ...common, size: 64 };
  if (yValues !== undefined) y.values = yValues;
  return [x, y];
}

/** Whole-second steps and labels that fit the span shown (no `:50.000 :50.500` ticks). */
function timeAxis([x, y]: uPlot.Axis[]): uPlot.Axis[] {
  return [
    {
      ...x,
      incrs: TIME_AXIS_STEPS,
      values: (u, splits) => {
        const span = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
        return splits.map((s) => formatTimeTick(s, span));
      },
    },
    ...(y === undefined ? [] : [y]),
  ];
}

const compactMoney = (v: number): string => {
  const abs = Math.abs(v);
  const sign = v < 0 ? '−' : '';
  if (abs >= 1e6) return `${sign}$${(abs / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${sign}$${(abs / 1e3).toFixed(1)}k`;
  return `${sign}$${abs.toFixed(abs >= 100 ? 0 : 2)}`;
};

/** The equity curve: current value over time. */
export function equityChart(): ChartBox {
  return new ChartBox(
    'Equity curve (simulated time, UTC)',
    'equity',
    (width, height) => ({
      width,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // UTC, like the trades' times and the simulated market's clock.
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: { x: { time: true } },
      axes: timeAxis(axes(undefined, undefined, (_u, splits) => splits.map(compactMoney))),
      series: [
        {},
        {
          label: 'Value',
          stroke: PALETTE.line,
          fill: PALETTE.fill,
          width: 2,
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : compactMoney(v)),
        },
      ],
    }),
    'No value yet: the curve starts with the first update of the portfolio.',
  );
}

/** Categorical bars: one bar per name, coloured by sign or in one colour. */
export class BarChart {
  readonly box: ChartBox;
  private names: readonly string[] = [];

  constructor(title: string, key: string, format: (v: number) => string, bySign: boolean, emptyText: string) {
    const fill = (u: uPlot): string[] => {
      const ys = (u.data[1] ?? []) as (number | null)[];
      return ys.map((y) => (bySign ? ((y ?? 0) < 0 ? PALETTE.neg : PALETTE.pos) : PALETTE.bar));
    };
    const bars = uPlot.paths.bars?.({
      size: [0.6, 80],
      // 3 = colour values, 2 = discrete (uPlot's const enums are not visible to the bundler).
      disp: { fill: { unit: 3 as uPlot.Series.BarsPathBuilderFacetUnit, kind: 2 as uPlot.Series.BarsPathBuilderFacetKind, values: fill } },
    });
    this.box = new ChartBox(
      title,
      key,
      (width, height) => ({
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: {
          x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
          y: {
            range: (_u, min, max) => {
              const lo = Math.min(0, min);
              const hi = Math.max(0, max);
              const pad = (hi - lo) * 0.1 || 1;
              return [lo < 0 ? lo - pad : 0, hi + pad];
            },
          },
        },
        axes: axes(
          (_u, splits) => splits.map((i) => this.names[i] ?? ''),
          () => this.names.map((_, i) => i),
          (_u, splits) => splits.map(format),
        ),
        series: [{}, { label: title, fill: PALETTE.bar, stroke: 'transparent', width: 0, paths: bars, points: { show: false }, fillTo: 0 }],
      }),
      emptyText,
    );
  }

  /** Draws `values` (floats, for the chart only) against `names`. */
  update(names: readonly string[], values: readonly number[]): void {
    this.names = names;
    const xs = names.map((_, i) => i);
    this.box.update({ data: [xs, [...values]], signature: `${names.join('\u0000')}|${values.join(',')}` });
  }
}
