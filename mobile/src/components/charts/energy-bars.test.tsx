import { screen } from '@testing-library/react-native';
import type { Energy, EnergyBucket } from '@/api/types';
import springForward from '@/test/fixtures/energy-day-2025-03-30.json';
import fallBack from '@/test/fixtures/energy-day-2025-10-26.json';
import demoDay from '@/test/fixtures/energy-day-demo.json';
import { layoutBars } from './bar-layout';
import { HEIGHT, rect, renderBars, WIDTH } from '@/test/bars';

function bucket(
  key: string,
  selfConsumption: number,
  gridImport: number,
  gridExport: number,
): EnergyBucket {
  const solar = selfConsumption + gridExport;
  const consumption = selfConsumption + gridImport;
  return {
    key,
    start: key,
    end: key,
    start_ts: 0,
    end_ts: 3600,
    grid_import: gridImport,
    grid_export: gridExport,
    solar,
    consumption,
    self_consumption: selfConsumption,
    self_sufficiency: consumption ? selfConsumption / consumption : null,
    self_consumption_ratio: solar ? selfConsumption / solar : null,
    coverage: 1,
  };
}

describe('EnergyBars', () => {
  const day = demoDay as Energy;

  it('draws bar heights proportional to the consumption of the demo day', () => {
    renderBars(day.buckets);
    const layout = layoutBars(
      day.buckets.map((b) => ({
        selfConsumption: b.self_consumption,
        gridImport: b.grid_import,
        gridExport: b.grid_export,
      })),
      WIDTH,
      HEIGHT,
    );
    // 10:00 used 606.9351 Wh, 12:00 used 739.2202 Wh: the bars keep that ratio (1.2180).
    const h10 = rect(10, 'solar').height + rect(10, 'import').height;
    const h12 = rect(12, 'solar').height + rect(12, 'import').height;
    expect(h12 / h10).toBeCloseTo(739.2202 / 606.9351, 6);
    for (const [i, b] of day.buckets.entries()) {
      const total = rect(i, 'solar').height + rect(i, 'import').height;
      expect(total).toBeCloseTo(b.consumption * layout.pxPerWh, 6);
    }
  });

  it('stacks solar on the axis and grid import on top, summing to the bar', () => {
    renderBars(day.buckets);
    const axis = rect(12, 'export').y; // the export bar starts at the axis
    const solar = rect(12, 'solar');
    const grid = rect(12, 'import');
    // 12:00: 506.2803 Wh of own solar + 232.9399 Wh imported = 739.2202 Wh used.
    expect(solar.y + solar.height).toBeCloseTo(axis, 6);
    expect(grid.y + grid.height).toBeCloseTo(solar.y, 6);
    expect(solar.height / grid.height).toBeCloseTo(506.2803 / 232.9399, 6);
    expect(axis - grid.y).toBeCloseTo(solar.height + grid.height, 6);
  });

  it('draws export below the axis on the same scale', () => {
    // 1 kWh used (600 solar + 400 grid) and 500 Wh exported; 2 kWh used with no export.
    renderBars([
      bucket('2025-05-16T12:00:00+03:00', 600, 400, 500),
      bucket('2025-05-16T13:00:00+03:00', 0, 2000, 0),
    ]);
    const solar = rect(0, 'solar');
    const exported = rect(0, 'export');
    const axis = solar.y + solar.height;
    expect(exported.y).toBeCloseTo(axis, 6);
    expect(exported.y + exported.height).toBeGreaterThan(axis);
    expect(exported.height / solar.height).toBeCloseTo(500 / 600, 6);
    expect(rect(1, 'import').height / exported.height).toBeCloseTo(2000 / 500, 6);
    expect(rect(1, 'export').height).toBe(0);
  });

  it('shows 23 bars on the spring-forward day in Helsinki, without 03:00', () => {
    const buckets = (springForward as Energy).buckets.map((b, i) => ({
      ...b,
      grid_import: 100 + i,
      consumption: 100 + i,
    }));
    renderBars(buckets);
    expect(screen.getAllByRole('button')).toHaveLength(23);
    expect(screen.queryByTestId('bar-23-solar', { includeHiddenElements: true })).toBeNull();
    expect(buckets.map((b) => b.key.slice(11, 13))).not.toContain('03');
    // Every bar still has its own height: 100 Wh + index.
    expect(rect(22, 'import').height / rect(0, 'import').height).toBeCloseTo(122 / 100, 6);
  });

  it('shows 25 bars on the fall-back day, 03:00 twice, told apart by the offset', () => {
    renderBars((fallBack as Energy).buckets);
    const buttons = screen.getAllByRole('button');
    expect(buttons).toHaveLength(25);
    expect(buttons[3]!.props.accessibilityLabel).toMatch(/^03:00 \(UTC\+03:00\)/);
    expect(buttons[4]!.props.accessibilityLabel).toMatch(/^03:00 \(UTC\+02:00\)/);
  });

  it('labels each bar with its numbers for screen readers', () => {
    renderBars(day.buckets);
    expect(screen.getByTestId('bar-12').props.accessibilityLabel).toBe(
      '12:00: used 0.74 kWh, 0.51 kWh from solar, 0.23 kWh from the grid, exported 0.45 kWh, self-sufficiency 68 %',
    );
  });

  it('names the two 03:00 bars of a fall-back day by their offsets', () => {
    renderBars(fallBack.buckets as EnergyBucket[]);
    const label = (i: number) => String(screen.getByTestId(`bar-${i}`).props.accessibilityLabel);
    expect(label(2)).toMatch(/^02:00: /);
    expect(label(3)).toMatch(/^03:00 \(UTC\+03:00\): /);
    expect(label(4)).toMatch(/^03:00 \(UTC\+02:00\): /);
    expect(label(5)).toMatch(/^04:00: /);
  });
});
