// Solar, home and grid as three nodes with the live W; lines whose direction, thickness and
// dash speed follow the flows. Export turns the grid line around (home → grid).
import { memo, useEffect, useState } from 'react';
import { AccessibilityInfo, Animated, Easing, View } from 'react-native';
import Svg, { Circle, G, Path, Text as SvgText } from 'react-native-svg';
import { formatPower, type PowerUnit } from '@/lib/format';
import { chartFont, type Palette } from '@/lib/theme';
import { computeFlows, dashCycleMs, strokeFor, type Flow, type NodeId } from './flows';

export const VIEW_W = 320;
export const VIEW_H = 236;
export const NODE_R = 38;
export const NODES: Record<NodeId, { x: number; y: number }> = {
  solar: { x: 160, y: 52 },
  grid: { x: 58, y: 180 },
  home: { x: 262, y: 180 },
};
const DASH = 6;
const GAP = 10;
const AnimatedPath = Animated.createAnimatedComponent(Path);

export interface FlowDiagramProps {
  sample: { grid_w: number; solar_w: number; home_w: number };
  unit: PowerUnit;
  palette: Palette;
  /** Off in tests and when the system asks for reduced motion. */
  animate?: boolean;
  /** Grey everything out when the data is stale. */
  dimmed?: boolean;
  maxWidth?: number;
}

/** A straight segment from the rim of `from` to the rim of `to`. */
export function segment(from: NodeId, to: NodeId) {
  const a = NODES[from];
  const b = NODES[to];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  const ux = dx / length;
  const uy = dy / length;
  const inset = NODE_R + 6;
  return {
    x1: a.x + ux * inset,
    y1: a.y + uy * inset,
    x2: b.x - ux * inset,
    y2: b.y - uy * inset,
    angle: (Math.atan2(dy, dx) * 180) / Math.PI,
  };
}

function describeFlow(flow: Flow, unit: PowerUnit): string {
  const names: Record<NodeId, string> = { solar: 'solar', home: 'home', grid: 'grid' };
  if (!flow.active) return `No power between ${names[flow.from]} and ${names[flow.to]}`;
  return `${formatPower(flow.watts, unit)} from ${names[flow.from]} to ${names[flow.to]}`;
}

export function flowSummary(sample: FlowDiagramProps['sample'], unit: PowerUnit): string {
  const grid =
    sample.grid_w >= 0
      ? `importing ${formatPower(sample.grid_w, unit)} from the grid`
      : `exporting ${formatPower(-sample.grid_w, unit)} to the grid`;
  return (
    `Power flow: solar produces ${formatPower(sample.solar_w, unit)}, ` +
    `home uses ${formatPower(sample.home_w, unit)}, ${grid}.`
  );
}

function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    AccessibilityInfo.isReduceMotionEnabled?.()
      .then(setReduced)
      .catch(() => undefined);
    const sub = AccessibilityInfo.addEventListener?.('reduceMotionChanged', setReduced);
    return () => sub?.remove();
  }, []);
  return reduced;
}

function useDashOffset(run: boolean, cycleMs: number): Animated.Value {
  // State, not a ref read during render: one Animated.Value for the component's life.
  const [offset] = useState(() => new Animated.Value(0));
  useEffect(() => {
    if (!run) {
      offset.setValue(0);
      return undefined;
    }
    // Decreasing the offset moves the dashes from the path's start to its end: from → to.
    const loop = Animated.loop(
      Animated.timing(offset, {
        toValue: -(DASH + GAP),
        duration: cycleMs,
        easing: Easing.linear,
        useNativeDriver: false,
      }),
    );
    offset.setValue(0);
    loop.start();
    return () => loop.stop();
  }, [run, cycleMs, offset]);
  return offset;
}

const FlowLine = memo(function FlowLine({
  flow,
  color,
  track,
  unit,
  animate,
}: {
  flow: Flow;
  color: string;
  track: string;
  unit: PowerUnit;
  animate: boolean;
}) {
  const { x1, y1, x2, y2, angle } = segment(flow.from, flow.to);
  const d = `M ${x1.toFixed(1)} ${y1.toFixed(1)} L ${x2.toFixed(1)} ${y2.toFixed(1)}`;
  const width = flow.active ? strokeFor(flow.watts) : 1.5;
  // Quantised so a few watts more do not restart the animation every second.
  const cycle = Math.round(dashCycleMs(flow.watts) / 200) * 200;
  const offset = useDashOffset(animate && flow.active, cycle);
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  const arrow = Math.max(7, width * 0.9 + 4);
  return (
    <G accessibilityLabel={describeFlow(flow, unit)}>
      <Path
        testID={`flow-${flow.id}`}
        d={d}
        stroke={flow.active ? color : track}
        strokeOpacity={flow.active ? 0.25 : 1}
        strokeWidth={width}
        strokeLinecap="round"
        fill="none"
      />
      {flow.active ? (
        <>
          <AnimatedPath
            testID={`flow-${flow.id}-dash`}
            d={d}
            stroke={color}
            strokeWidth={width}
            strokeDasharray={`${DASH} ${GAP}`}
            strokeDashoffset={offset}
            strokeLinecap="round"
            fill="none"
          />
          <Path
            testID={`flow-${flow.id}-arrow`}
            d={`M ${arrow} 0 L ${-arrow * 0.8} ${arrow * 0.8} L ${-arrow * 0.8} ${-arrow * 0.8} Z`}
            fill={color}
            transform={`translate(${mx.toFixed(1)} ${my.toFixed(1)}) rotate(${angle.toFixed(1)})`}
          />
        </>
      ) : null}
    </G>
  );
});

function NodeIcon({ id, color }: { id: NodeId; color: string }) {
  const common = { stroke: color, strokeWidth: 2, fill: 'none', strokeLinecap: 'round' as const };
  if (id === 'solar') {
    const rays = Array.from({ length: 8 }, (_, i) => {
      const a = (i * Math.PI) / 4;
      return `M ${(Math.cos(a) * 8).toFixed(1)} ${(Math.sin(a) * 8).toFixed(1)} L ${(Math.cos(a) * 11).toFixed(1)} ${(Math.sin(a) * 11).toFixed(1)}`;
    }).join(' ');
    return (
      <G>
        <Circle r={5} {...common} />
        <Path d={rays} {...common} />
      </G>
    );
  }
  if (id === 'home') {
    return (
      <Path
        d="M -10 1 L 0 -9 L 10 1 M -7 -1 L -7 9 L 7 9 L 7 -1 M -2 9 L -2 3 L 2 3 L 2 9"
        {...common}
      />
    );
  }
  return (
    <Path
      d="M -7 10 L 0 -10 L 7 10 M -9 -3 L 9 -3 M -6 3 L 6 3 M -4 -3 L 4 3 M 4 -3 L -4 3"
      {...common}
    />
  );
}

function Node({
  id,
  title,
  caption,
  value,
  color,
  palette,
}: {
  id: NodeId;
  title: string;
  caption?: string;
  value: string;
  color: string;
  palette: Palette;
}) {
  const { x, y } = NODES[id];
  return (
    <G transform={`translate(${x} ${y})`} testID={`node-${id}`}>
      <Circle r={NODE_R} fill={palette.card} stroke={color} strokeWidth={3} />
      <G transform="translate(0 -15)">
        <NodeIcon id={id} color={color} />
      </G>
      <SvgText
        testID={`node-${id}-value`}
        y={11}
        fontSize={13}
        fontWeight="700"
        fill={palette.text}
        textAnchor="middle"
        fontFamily={chartFont}
      >
        {value}
      </SvgText>
      <SvgText y={25} fontSize={9} fill={palette.muted} textAnchor="middle" fontFamily={chartFont}>
        {caption ?? ''}
      </SvgText>
      <SvgText
        y={NODE_R + 15}
        fontSize={12}
        fontWeight="600"
        fill={palette.muted}
        textAnchor="middle"
        fontFamily={chartFont}
      >
        {title}
      </SvgText>
    </G>
  );
}

export function FlowDiagram({
  sample,
  unit,
  palette,
  animate = true,
  dimmed = false,
  maxWidth = 520,
}: FlowDiagramProps) {
  const [width, setWidth] = useState(0);
  const reducedMotion = useReducedMotion();
  const flows = computeFlows(sample);
  const exporting = sample.grid_w < 0;
  const gridColor = exporting ? palette.gridExport : palette.gridImport;
  const shown = Math.min(width || maxWidth, maxWidth);
  const colors: Record<Flow['id'], string> = { solar: palette.solar, grid: gridColor };
  return (
    <View
      testID="flow-diagram"
      accessible
      accessibilityRole="image"
      accessibilityLabel={flowSummary(sample, unit)}
      onLayout={(e) => setWidth(e.nativeEvent.layout.width)}
      style={{ width: '100%', alignItems: 'center', opacity: dimmed ? 0.55 : 1 }}
    >
      <Svg width={shown} height={(shown * VIEW_H) / VIEW_W} viewBox={`0 0 ${VIEW_W} ${VIEW_H}`}>
        {flows.map((flow) => (
          <FlowLine
            key={flow.id}
            flow={flow}
            color={colors[flow.id]}
            track={palette.grid}
            unit={unit}
            animate={animate && !reducedMotion && !dimmed}
          />
        ))}
        <Node
          id="solar"
          title="Solar"
          value={formatPower(sample.solar_w, unit)}
          color={palette.solar}
          palette={palette}
        />
        <Node
          id="grid"
          title="Grid"
          caption={sample.grid_w < -0.5 ? 'export' : sample.grid_w > 0.5 ? 'import' : ''}
          value={formatPower(Math.abs(sample.grid_w), unit)}
          color={gridColor}
          palette={palette}
        />
        <Node
          id="home"
          title="Home"
          value={formatPower(sample.home_w, unit)}
          color={palette.home}
          palette={palette}
        />
      </Svg>
    </View>
  );
}
