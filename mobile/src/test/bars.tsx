// Rendering EnergyBars at a fixed size and reading its drawn rectangles back as numbers: the
// energy and the money tests of the bars share it.
import { render, screen } from '@testing-library/react-native';
import type { EnergyBucket } from '@/api/types';
import { EnergyBars } from '@/components/charts/energy-bars';
import { light } from '@/lib/theme';

export const WIDTH = 400;
export const HEIGHT = 220;

/** Day bars, 400 × 220 px; with `currency`, the money view. */
export function renderBars(
  buckets: EnergyBucket[],
  { currency, onSelect }: { currency?: string; onSelect?: (i: number) => void } = {},
) {
  return render(
    <EnergyBars
      kind="day"
      buckets={buckets}
      unit="kWh"
      palette={light}
      label="test chart"
      width={WIDTH}
      height={HEIGHT}
      currency={currency}
      onSelect={onSelect ?? (() => undefined)}
    />,
  );
}

export type BarPart = 'solar' | 'import' | 'export' | 'fees' | 'cost' | 'revenue';

/** The drawn rectangle of bar `i`, part `part`, as numbers. */
export function rect(i: number, part: BarPart) {
  // The drawing is hidden from screen readers (the bar buttons speak for it), so include hidden.
  const element = screen.getByTestId(`bar-${i}-${part}`, { includeHiddenElements: true });
  const { y, height } = element.props as { y: unknown; height: unknown };
  return { y: Number(y), height: Number(height) };
}
