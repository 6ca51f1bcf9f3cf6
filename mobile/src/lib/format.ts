// Numbers for people: W/kW and Wh/kWh as the user chose, ages, percentages.
export type PowerUnit = 'W' | 'kW';
export type EnergyUnit = 'Wh' | 'kWh';

const DASH = '—';

/** 1234567.8 → "1,234,568" (no Intl: identical on Hermes, in jest and in browsers). */
export function groupThousands(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '−' : '';
  return sign + grouped + (fraction ? `.${fraction}` : '');
}

function scaled(value: number): string {
  const abs = Math.abs(value);
  return groupThousands(value, abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

export function formatPower(watts: number | null | undefined, unit: PowerUnit): string {
  if (watts == null || !Number.isFinite(watts)) return DASH;
  return unit === 'W' ? `${groupThousands(watts)} W` : `${scaled(watts / 1000)} kW`;
}

export function formatEnergy(wh: number | null | undefined, unit: EnergyUnit): string {
  if (wh == null || !Number.isFinite(wh)) return DASH;
  return unit === 'Wh' ? `${groupThousands(wh)} Wh` : `${scaled(wh / 1000)} kWh`;
}

/** Decimals that tell ticks `step` apart once divided by 1000 (kW, kWh). */
function kiloDecimals(step: number): number {
  return step >= 1000 ? 0 : step >= 100 ? 1 : 2;
}

/** An axis label: short, no unit (the axis title carries it), the same decimals on every tick. */
export function formatEnergyTick(wh: number, unit: EnergyUnit, step: number): string {
  return unit === 'Wh' ? groupThousands(wh) : groupThousands(wh / 1000, kiloDecimals(step));
}

export function formatPowerTick(watts: number, unit: PowerUnit, step: number): string {
  return unit === 'W' ? groupThousands(watts) : groupThousands(watts / 1000, kiloDecimals(step));
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return DASH;
  return `${Math.round(ratio * 100)} %`;
}

/** 0.4 → "0.4 s", 42 → "42 s", 130 → "2 min", 7500 → "2 h 5 min", 200000 → "2 d 7 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 90) return `${Math.round(s)} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const CURRENCY_SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

/** 1.2756 EUR → "€1.28", −0.5 EUR → "−€0.50", 12.4 SEK → "12.40 SEK". */
export function formatMoney(amount: number | null | undefined, currency: string | null): string {
  if (amount == null || !Number.isFinite(amount)) return DASH;
  const digits = groupThousands(Math.abs(amount), 2);
  const sign = amount < 0 && Number(Math.abs(amount).toFixed(2)) !== 0 ? '−' : '';
  const symbol = currency ? CURRENCY_SYMBOLS[currency] : undefined;
  if (symbol) return `${sign}${symbol}${digits}`;
  return `${sign}${digits}${currency ? ` ${currency}` : ''}`;
}

/**
 * A price per kWh. Euro prices read in cents, as Nordic bills and price apps show them
 * ("12.34 c/kWh"); other currencies in their unit with four decimals.
 */
export function formatPrice(perKwh: number | null | undefined, currency: string | null): string {
  if (perKwh == null || !Number.isFinite(perKwh)) return DASH;
  if (currency === 'EUR') return `${groupThousands(perKwh * 100, 2)} c/kWh`;
  return `${groupThousands(perKwh, 4)} ${currency ? `${currency}/kWh` : '/kWh'}`;
}

/** The unit formatPrice uses for `currency` (for an axis title). */
export function priceUnit(currency: string | null): string {
  return currency === 'EUR' ? 'c/kWh' : currency ? `${currency}/kWh` : '/kWh';
}

/** An axis label of a price axis in priceUnit(currency), the same decimals on every tick. */
export function formatPriceTick(perKwh: number, currency: string | null, step: number): string {
  const scale = currency === 'EUR' ? 100 : 1;
  return groupThousands(perKwh * scale, tickDecimals(step * scale));
}

/** An axis label of money, no unit, the same decimals on every tick. */
export function formatMoneyTick(amount: number, step: number): string {
  return groupThousands(amount, tickDecimals(step));
}

function tickDecimals(step: number): number {
  return step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
}
