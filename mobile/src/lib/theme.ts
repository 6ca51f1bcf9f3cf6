// Light and dark palettes. Energy colours keep their meaning in both: amber = solar,
// indigo = grid import, green = export, sky = home.
import { Platform, useColorScheme } from 'react-native';
import { useHydrated } from './use-hydrated';

export interface Palette {
  scheme: 'light' | 'dark';
  background: string;
  card: string;
  text: string;
  muted: string;
  border: string;
  grid: string;
  accent: string;
  danger: string;
  warning: string;
  ok: string;
  solar: string;
  gridImport: string;
  gridExport: string;
  home: string;
  onAccent: string;
}

export const light: Palette = {
  scheme: 'light',
  background: '#f4f6f8',
  card: '#ffffff',
  text: '#111827',
  muted: '#5b6472',
  border: '#e2e6eb',
  grid: '#d5dae1',
  accent: '#2563eb',
  danger: '#c62828',
  warning: '#b45309',
  ok: '#15803d',
  solar: '#f59e0b',
  gridImport: '#6366f1',
  gridExport: '#10b981',
  home: '#0ea5e9',
  onAccent: '#ffffff',
};

export const dark: Palette = {
  scheme: 'dark',
  background: '#0b0f14',
  card: '#151b23',
  text: '#e8ebef',
  muted: '#9aa4b2',
  border: '#263140',
  grid: '#2d3846',
  accent: '#60a5fa',
  danger: '#f87171',
  warning: '#fbbf24',
  ok: '#4ade80',
  solar: '#fbbf24',
  gridImport: '#818cf8',
  gridExport: '#34d399',
  home: '#38bdf8',
  onAccent: '#0b0f14',
};

/** The palette of the system's colour scheme. */
export function usePalette(): Palette {
  const scheme = useColorScheme();
  // The static web HTML is rendered light; the first browser render must match it, or React
  // keeps the light styles of the HTML (hydration does not patch attributes).
  const hydrated = useHydrated();
  return hydrated && scheme === 'dark' ? dark : light;
}

/** SVG text takes no font from its surroundings on the web: name the system's sans-serif. */
export const chartFont = Platform.select({
  web: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  default: undefined,
});
