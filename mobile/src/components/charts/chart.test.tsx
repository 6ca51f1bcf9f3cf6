import { fireEvent, render, renderHook, screen } from '@testing-library/react-native';
import { Pressable } from 'react-native';
import Svg, { Line, Rect, Text as SvgText } from 'react-native-svg';
import { light } from '@/lib/theme';
import { BarChart, TimeLabels, useChartWidth, ValueAxis } from './chart';
import { plotArea, signedScale } from './scale';

const plot = plotArea(300, 200, { left: 40, right: 8, top: 18, bottom: 22 }); // 252 × 160 px
// 300 up, 100 down: steps of 100, −100 … 300; zero at 18 + 300 × 0.4 = 138.
const scale = signedScale(300, 100, 1, plot);
const layout = { plot, ticks: scale.ticks, axisY: scale.zeroY };
const hidden = { includeHiddenElements: true };

/** The drawn lines (as the chart passed them: y, colour, width), in drawing order. */
function lines() {
  return screen.UNSAFE_getAllByType(Line).map((l) => ({
    y1: l.props.y1 as number,
    stroke: l.props.stroke as string,
    width: l.props.strokeWidth as number,
  }));
}

/** The drawn texts with their props, in drawing order. */
function texts() {
  return screen.UNSAFE_getAllByType(SvgText).map((t) => ({
    text: String(t.props.children),
    x: t.props.x as number,
    fill: t.props.fill as string,
    fontWeight: t.props.fontWeight as string | undefined,
  }));
}

function renderAxis(zero: 'hidden' | 'muted') {
  render(
    <Svg width={300} height={200}>
      <ValueAxis
        plot={plot}
        ticks={scale.ticks}
        format={(v) => `${v / 100}`}
        unit="W"
        palette={light}
        zero={zero}
      />
    </Svg>,
  );
}

describe('ValueAxis', () => {
  it('draws a grid line and a label per tick, zero hidden for the bars to draw their own', () => {
    renderAxis('hidden');
    expect(lines()).toEqual([
      { y1: 178, stroke: light.grid, width: 1 }, // −100: the bottom of the plot
      { y1: 138, stroke: light.grid, width: 0 }, // zero
      { y1: 98, stroke: light.grid, width: 1 },
      { y1: 58, stroke: light.grid, width: 1 },
      { y1: 18, stroke: light.grid, width: 1 }, // 300: the top
    ]);
    expect(texts().map((t) => t.text)).toEqual(['-1', '0', '1', '2', '3', 'W']);
  });

  it('draws zero in the muted colour for a curve', () => {
    renderAxis('muted');
    expect(lines()[1]).toEqual({ y1: 138, stroke: light.muted, width: 1 });
    expect(lines()[2]).toEqual({ y1: 98, stroke: light.grid, width: 1 });
  });
});

describe('TimeLabels', () => {
  it('writes each label at its x, the selected one in bold', () => {
    render(
      <Svg width={300} height={200}>
        <TimeLabels
          labels={[
            { key: 'a', x: 50, text: '06' },
            { key: 'b', x: 120, text: '12', strong: true },
          ]}
          y={194}
          anchor="middle"
          palette={light}
        />
      </Svg>,
    );
    expect(texts()).toEqual([
      { text: '06', x: 50, fill: light.muted, fontWeight: undefined },
      { text: '12', x: 120, fill: light.text, fontWeight: '700' },
    ]);
  });
});

describe('useChartWidth', () => {
  it('uses a fixed width as given, else measures: 0 until laid out', () => {
    expect(renderHook(() => useChartWidth(320)).result.current).toEqual({ width: 320 });
    const { result } = renderHook(() => useChartWidth());
    expect(result.current.width).toBe(0);
    expect(result.current.onLayout).toBeInstanceOf(Function);
  });
});

describe('BarChart', () => {
  function Chart({ width, onPress }: { width?: number; onPress?: () => void }) {
    const chart = useChartWidth(width);
    return (
      <BarChart
        {...chart}
        testID="chart"
        label="Two bars"
        accessibilityRole="image"
        height={200}
        palette={light}
        layout={layout}
        formatTick={(v) => `${v} Wh`}
        unit="Wh"
        overlay={<Pressable testID="tap" onPress={onPress} />}
      >
        <Rect testID="series" x={60} y={58} width={20} height={80} fill={light.solar} />
      </BarChart>
    );
  }

  it('draws the axis, the caller’s series and the zero line over it, hidden from readers', () => {
    render(<Chart width={300} />);
    const chart = screen.getByTestId('chart');
    expect(chart.props.accessibilityLabel).toBe('Two bars');
    expect(chart.props.accessibilityRole).toBe('image');
    expect(screen.queryByTestId('series')).toBeNull(); // hidden: the label speaks
    expect(screen.getByTestId('series', hidden)).toBeTruthy();
    expect(texts().map((t) => t.text)).toEqual([
      '-100 Wh',
      '0 Wh',
      '100 Wh',
      '200 Wh',
      '300 Wh',
      'Wh',
    ]);
    // The zero line is the last thing drawn: over the series, across the plot at y 138.
    expect(lines().at(-1)).toEqual({ y1: 138, stroke: light.muted, width: 1 });
    expect(lines()).toHaveLength(6);
  });

  it('draws nothing and offers no overlay until its width is known', () => {
    const onPress = jest.fn();
    render(<Chart onPress={onPress} />);
    expect(screen.queryByTestId('series', hidden)).toBeNull();
    expect(screen.queryByTestId('tap')).toBeNull();
    fireEvent(screen.getByTestId('chart'), 'layout', {
      nativeEvent: { layout: { width: 300, height: 200, x: 0, y: 0 } },
    });
    expect(screen.getByTestId('series', hidden)).toBeTruthy();
    fireEvent.press(screen.getByTestId('tap'));
    expect(onPress).toHaveBeenCalledTimes(1);
  });
});
