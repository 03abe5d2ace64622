import * as hdr from 'hdr-histogram-js';

/** Latency histograms are recorded in microseconds, 1 µs to 10 min, 3 significant digits. */
export function createLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** The compact text form of a histogram, for sending between processes. */
export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds several encoded histograms into one. */
export function mergeHistograms(encoded: readonly string[]): hdr.Histogram {
  const total = createLatencyHistogram();
  for (const e of encoded) {
    if (e.length === 0) continue;
    total.add(hdr.decodeFromCompressedBase64(e));
  }
  return total;
}

/** Latency figures in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** Percentiles of a microsecond histogram, in ms. */
export function summarise(h: hdr.Histogram): LatencySummary {
  const ms = (us: number): number => Math.round(us / 10) / 100;
  if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
