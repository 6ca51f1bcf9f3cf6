// Axis arithmetic shared by the charts.

/** A "nice" tick step (1, 2 or 5 × 10ⁿ) that cuts `range` into about `count` parts. */
export function niceStep(range: number, count = 4): number {
  if (!(range > 0)) return 1;
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export interface Padding {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function plotArea(width: number, height: number, pad: Padding): Plot {
  return {
    left: pad.left,
    top: pad.top,
    width: Math.max(0, width - pad.left - pad.right),
    height: Math.max(0, height - pad.top - pad.bottom),
  };
}

/** Show every n-th label so labels of `labelPx` width do not overlap in `slotPx` slots. */
export function labelEvery(count: number, slotPx: number, labelPx: number): number {
  if (count <= 0 || slotPx <= 0) return 1;
  const candidates = [1, 2, 3, 4, 6, 8, 12, 24];
  return candidates.find((n) => n * slotPx >= labelPx) ?? Math.ceil(labelPx / slotPx);
}
