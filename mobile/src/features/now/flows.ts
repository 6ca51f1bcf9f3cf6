// Which way power flows between the three nodes, from one /power/now sample.
// The house is the hub: solar always feeds it; the grid line points into the house on import and
// out of it on export (DESIGN §2: grid_w + import / − export, home_w = grid_w + solar_w).
export type NodeId = 'solar' | 'home' | 'grid';

export interface Flow {
  id: 'solar' | 'grid';
  from: NodeId;
  to: NodeId;
  /** Magnitude in W (≥ 0). */
  watts: number;
  /** Below IDLE_W the line is drawn still and thin. */
  active: boolean;
}

export const IDLE_W = 5;
/** The line is as thick as it gets at this power. */
export const FULL_SCALE_W = 10_000;
export const MIN_STROKE = 2;
export const MAX_STROKE = 12;

export function computeFlows(sample: { grid_w: number; solar_w: number }): Flow[] {
  const solar = Math.max(0, sample.solar_w);
  const grid = sample.grid_w;
  return [
    { id: 'solar', from: 'solar', to: 'home', watts: solar, active: solar >= IDLE_W },
    grid >= 0
      ? { id: 'grid', from: 'grid', to: 'home', watts: grid, active: grid >= IDLE_W }
      : { id: 'grid', from: 'home', to: 'grid', watts: -grid, active: -grid >= IDLE_W },
  ];
}

/** Stroke width grows with the square root of power, so 200 W is visible next to 8 kW. */
export function strokeFor(watts: number): number {
  const share = Math.sqrt(Math.min(Math.max(watts, 0), FULL_SCALE_W) / FULL_SCALE_W);
  return MIN_STROKE + (MAX_STROKE - MIN_STROKE) * share;
}

/** One dash cycle takes this long: faster dashes for more power. */
export function dashCycleMs(watts: number): number {
  return Math.round(2400 - 1800 * Math.sqrt(Math.min(watts, FULL_SCALE_W) / FULL_SCALE_W));
}
