import { render, screen } from '@testing-library/react-native';
import { light } from '@/lib/theme';
import { FlowDiagram, NODES, segment } from './flow-diagram';
import { computeFlows, strokeFor } from './flows';

function renderDiagram(sample: { grid_w: number; solar_w: number; home_w: number }) {
  return render(<FlowDiagram sample={sample} unit="W" palette={light} animate={false} />);
}

/** Start and end point of a path "M x1 y1 L x2 y2". */
function ends(testID: string) {
  const d = String(screen.getByTestId(testID).props.d);
  const [x1, y1, x2, y2] = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
  return { x1: x1!, y1: y1!, x2: x2!, y2: y2! };
}

/** The direction the arrow points, in degrees (0 = right, 180 = left), from its transform. */
function arrowAngle(testID: string): number {
  // react-native-svg hands the transform to the native side as a matrix [a b c d e f].
  const [a, b] = screen.getByTestId(testID).props.matrix as number[];
  return Math.round((Math.atan2(b!, a!) * 180) / Math.PI);
}

const near = (a: { x: number; y: number }, x: number, y: number) => Math.hypot(a.x - x, a.y - y);

describe('computeFlows', () => {
  it('sends the grid into the house on import', () => {
    expect(computeFlows({ grid_w: 1234.5, solar_w: 2000 })).toEqual([
      { id: 'solar', from: 'solar', to: 'home', watts: 2000, active: true },
      { id: 'grid', from: 'grid', to: 'home', watts: 1234.5, active: true },
    ]);
  });

  it('turns the grid line around on export', () => {
    // 3 kW of sun, 1.2 kW used at home: 1.8 kW leave towards the grid.
    expect(computeFlows({ grid_w: -1800, solar_w: 3000 })[1]).toEqual({
      id: 'grid',
      from: 'home',
      to: 'grid',
      watts: 1800,
      active: true,
    });
  });

  it('keeps a still, thin line below 5 W', () => {
    expect(computeFlows({ grid_w: 3, solar_w: 0 }).map((f) => f.active)).toEqual([false, false]);
  });

  it('grows the stroke with power', () => {
    expect(strokeFor(0)).toBe(2);
    expect(strokeFor(2500)).toBeCloseTo(2 + 10 * 0.5, 6); // √(2500 / 10000) = 0.5
    expect(strokeFor(50_000)).toBe(12);
  });
});

describe('FlowDiagram', () => {
  it('draws import from the grid node to the home node, arrow pointing at home', () => {
    renderDiagram({ grid_w: 1234.5, solar_w: 2000, home_w: 3234.5 });
    const grid = ends('flow-grid');
    expect(near({ x: grid.x1, y: grid.y1 }, NODES.grid.x, NODES.grid.y)).toBeLessThan(50);
    expect(near({ x: grid.x2, y: grid.y2 }, NODES.home.x, NODES.home.y)).toBeLessThan(50);
    expect(arrowAngle('flow-grid-arrow')).toBe(0); // grid (left) → home (right)
    const solar = ends('flow-solar');
    expect(near({ x: solar.x1, y: solar.y1 }, NODES.solar.x, NODES.solar.y)).toBeLessThan(50);
    expect(near({ x: solar.x2, y: solar.y2 }, NODES.home.x, NODES.home.y)).toBeLessThan(50);
    expect(screen.getByTestId('flow-diagram').props.accessibilityLabel).toBe(
      'Power flow: solar produces 2,000 W, home uses 3,235 W, importing 1,235 W from the grid.',
    );
  });

  it('draws export from the home node to the grid node, arrow pointing at the grid', () => {
    renderDiagram({ grid_w: -1800, solar_w: 3000, home_w: 1200 });
    const grid = ends('flow-grid');
    expect(grid).toEqual(expect.objectContaining({ x1: segment('home', 'grid').x1 }));
    expect(near({ x: grid.x1, y: grid.y1 }, NODES.home.x, NODES.home.y)).toBeLessThan(50);
    expect(near({ x: grid.x2, y: grid.y2 }, NODES.grid.x, NODES.grid.y)).toBeLessThan(50);
    expect(arrowAngle('flow-grid-arrow')).toBe(180); // home (right) → grid (left)
    expect(screen.getByTestId('flow-diagram').props.accessibilityLabel).toContain(
      'exporting 1,800 W to the grid',
    );
    // 3 kW on the solar line is drawn thicker than 1.8 kW on the grid line.
    expect(Number(screen.getByTestId('flow-solar').props.strokeWidth)).toBeGreaterThan(
      Number(screen.getByTestId('flow-grid').props.strokeWidth),
    );
  });

  it('shows no moving line and no arrow at night with no solar', () => {
    renderDiagram({ grid_w: 450, solar_w: 0, home_w: 450 });
    expect(screen.queryByTestId('flow-solar-arrow')).toBeNull();
    expect(screen.queryByTestId('flow-solar-dash')).toBeNull();
    expect(screen.getByTestId('flow-grid-arrow')).toBeTruthy();
  });
});
