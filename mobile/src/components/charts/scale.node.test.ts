import { columns, hourLabel, niceStep, plotArea, signedScale } from './scale';

const plot = plotArea(400, 200, { left: 40, right: 8, top: 18, bottom: 22 }); // 352 × 160 px

describe('signedScale', () => {
  it('spans whole steps above and below zero, on one scale', () => {
    // 600 Wh up, 150 Wh down: 750 / 4 → steps of 200; 0 … 600 above, 0 … 200 below.
    const scale = signedScale(600, 150, 100, plot);
    expect(scale.step).toBe(200);
    expect(scale.perUnit).toBeCloseTo(160 / 800, 12);
    expect(scale.zeroY).toBeCloseTo(18 + 600 * 0.2, 9); // 138
    expect(scale.ticks.map((t) => t.value)).toEqual([-200, 0, 200, 400, 600]);
    expect(scale.ticks[0]!.y).toBeCloseTo(18 + 160, 9); // the bottom of the plot
    expect(scale.ticks[4]!.y).toBeCloseTo(18, 9); // its top
  });

  it('keeps a value a float hair over a whole step on that step', () => {
    // 0.1 + 0.2 is 0.30000000000000004, a third of it 0.1 × 3.0000000000000004: the axis ends
    // at 0.3, not at 0.4.
    const scale = signedScale(0.1 + 0.2, 0, 0.05, plot);
    expect(scale.step).toBe(0.1);
    expect(scale.ticks).toHaveLength(4);
    expect(scale.ticks[3]!.value).toBeCloseTo(0.3, 12);
    expect(scale.ticks[3]!.y).toBeCloseTo(18, 9);
  });

  it('gives a chart with nothing to show its least range, zero exactly on a tick', () => {
    const scale = signedScale(0, 0, 100, plot);
    expect(scale.step).toBe(niceStep(100)); // 100 / 4 → 50
    expect(scale.ticks.map((t) => t.value)).toEqual([0, 50]);
    // 0.07 up, 0.03 down: 0.1 / 4 → steps of 0.05; −0.05 … 0.1, counted, so zero is exactly 0.
    const negative = signedScale(0.07, 0.03, 0.05, plot);
    expect(negative.ticks).toHaveLength(4);
    expect(negative.ticks[1]!.value).toBe(0);
  });
});

describe('columns', () => {
  it('centres bars of a share of their slot, at least 1 px and at most the cap', () => {
    const day = columns(24, plot, 0.72, 56); // 352 / 24 = 14.667 px slots
    const slot = 352 / 24;
    expect(day.slot).toBeCloseTo(slot, 12);
    expect(day.width).toBeCloseTo(0.72 * slot, 12); // 10.56
    expect(day.x(0)).toBeCloseTo(40 + 0.14 * slot, 9);
    expect(day.x(23)).toBeCloseTo(40 + 23.14 * slot, 9);
    expect(columns(1, plot, 0.72, 56).width).toBe(56); // a lone bar is no wall
    expect(columns(1000, plot, 0.9).width).toBe(1);
    expect(columns(0, plot, 0.9).slot).toBe(352);
  });
});

describe('hourLabel', () => {
  it('labels whole hours of the site’s clock every n hours', () => {
    expect(hourLabel('2025-10-26T06:00:00+02:00', 6)).toBe('06');
    expect(hourLabel('2025-10-26T03:00:00+03:00', 3)).toBe('03');
    expect(hourLabel('2025-10-26T03:00:00+02:00', 6)).toBeNull();
    expect(hourLabel('2025-10-26T12:15:00+02:00', 6)).toBeNull();
    expect(hourLabel('2025-10-26T00:00:00+03:00', 6)).toBe('00');
  });
});
