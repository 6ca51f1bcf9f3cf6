// What the user configures: where the server is, and how numbers are shown.
import { Platform } from 'react-native';
import type { EnergyUnit, PowerUnit } from '@/lib/format';

export interface Settings {
  /** The Pi on the home network, e.g. http://wattboard.local:8000. */
  homeUrl: string;
  /** The cloud API (wattboard serve over MongoDB), used when home does not answer. */
  remoteUrl: string;
  /** Bearer token of the cloud API (api.token); never sent to the home URL. */
  token: string;
  /** Which home of a cloud API that serves several (GET /sites); '' = its default. */
  site: string;
  powerUnit: PowerUnit;
  energyUnit: EnergyUnit;
}

/** The page's own origin on the web build (served by the Pi), else a build-time default. */
export function defaultHomeUrl(): string {
  const configured = process.env.EXPO_PUBLIC_WATTBOARD_HOME_URL;
  if (configured) return configured;
  if (Platform.OS === 'web' && typeof window !== 'undefined' && window.location?.origin) {
    return window.location.origin;
  }
  return '';
}

export function defaultSettings(): Settings {
  return {
    homeUrl: defaultHomeUrl(),
    remoteUrl: process.env.EXPO_PUBLIC_WATTBOARD_REMOTE_URL ?? '',
    token: '',
    site: '',
    powerUnit: 'kW',
    energyUnit: 'kWh',
  };
}

/** Merge what storage held over the defaults, ignoring anything malformed. */
export function mergeSettings(base: Settings, stored: unknown): Settings {
  if (typeof stored !== 'object' || stored === null) return base;
  const s = stored as Record<string, unknown>;
  const text = (key: keyof Settings) =>
    typeof s[key] === 'string' ? (s[key] as string) : undefined;
  return {
    homeUrl: text('homeUrl') ?? base.homeUrl,
    remoteUrl: text('remoteUrl') ?? base.remoteUrl,
    token: text('token') ?? base.token,
    site: text('site') ?? base.site,
    powerUnit: s.powerUnit === 'W' || s.powerUnit === 'kW' ? s.powerUnit : base.powerUnit,
    energyUnit: s.energyUnit === 'Wh' || s.energyUnit === 'kWh' ? s.energyUnit : base.energyUnit,
  };
}

/**
 * Settings for an app served by a cloud API (`wattboard serve` over MongoDB): that origin is
 * the remote server, and there is no home server to try. The token is asked for on first use.
 */
export function cloudSettings(base: Settings, origin: string): Settings {
  return { ...base, homeUrl: '', remoteUrl: origin, token: '', site: '' };
}

/** A URL the app can use: http(s) with a host. Returns an error message or null. */
export function urlProblem(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return null;
  if (!/^https?:\/\/[^/\s]+/i.test(trimmed)) {
    return 'Start the URL with http:// or https://, e.g. http://wattboard.local:8000';
  }
  return null;
}
