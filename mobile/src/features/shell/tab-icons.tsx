// Tab bar icons drawn with SVG (the default glyph font renders as boxes in headless browsers).
import type { ColorValue } from 'react-native';
import Svg, { Circle, Path, Rect } from 'react-native-svg';

type IconProps = { color: ColorValue; size: number };
const stroke = (color: ColorValue) => ({
  stroke: color,
  strokeWidth: 2,
  fill: 'none',
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
});

export function NowIcon({ color, size }: IconProps) {
  return (
    <Svg width={size} height={size} viewBox="0 0 24 24">
      <Path d="M13 2 L4 14 H11 L10 22 L20 9 H13 Z" {...stroke(color)} />
    </Svg>
  );
}

export function DayIcon({ color, size }: IconProps) {
  return (
    <Svg width={size} height={size} viewBox="0 0 24 24">
      <Rect x={3} y={5} width={18} height={16} rx={2} {...stroke(color)} />
      <Path d="M3 10 H21 M8 3 V7 M16 3 V7" {...stroke(color)} />
      <Circle cx={12} cy={15.5} r={2} fill={color} />
    </Svg>
  );
}

export function HistoryIcon({ color, size }: IconProps) {
  return (
    <Svg width={size} height={size} viewBox="0 0 24 24">
      <Path d="M4 20 H20 M6 17 V11 M10 17 V6 M14 17 V9 M18 17 V4" {...stroke(color)} />
    </Svg>
  );
}

export function PricesIcon({ color, size }: IconProps) {
  return (
    <Svg width={size} height={size} viewBox="0 0 24 24">
      <Path d="M3 12 L12 3 H20 V11 L11 20 Z" {...stroke(color)} />
      <Circle cx={16} cy={7} r={1.5} fill={color} />
    </Svg>
  );
}

export function SettingsIcon({ color, size }: IconProps) {
  return (
    <Svg width={size} height={size} viewBox="0 0 24 24">
      <Circle cx={12} cy={12} r={3} {...stroke(color)} />
      <Path
        d="M12 2 V5 M12 19 V22 M2 12 H5 M19 12 H22 M4.9 4.9 L7 7 M17 17 L19.1 19.1 M4.9 19.1 L7 17 M17 7 L19.1 4.9"
        {...stroke(color)}
      />
    </Svg>
  );
}
