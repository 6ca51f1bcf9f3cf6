// Money and prices as the contract of issue 11 defines them. Typed by hand until the server's
// OpenAPI schema has them; then these become names for the generated types (see types.ts).
import type { EnergyBucket, Flows } from './types';

/** `totals.money` and `buckets[i].money` of every energy response; null without a tariff. */
export interface Money {
  currency: string;
  /** Amounts in `currency`, incl. VAT where the tariff says so, rounded to 0.0001. */
  import_cost: number;
  export_revenue: number;
  fixed_fees: number;
  /** import_cost + fixed_fees − export_revenue */
  net_cost: number;
  /** Self-consumed solar valued at the import price of its settlement period. */
  solar_savings: number;
  /** Share of the energy (import + export + self-consumed) priced, 0–1; null: no energy. */
  priced: number | null;
}

/** One settlement period of GET /prices (15 or 60 minutes). */
export interface PricePeriod {
  /** Local ISO 8601 with the site's offset. */
  start: string;
  end: string;
  start_ts: number;
  end_ts: number;
  /** Spot price per kWh, excl. VAT, as stored (may be negative). */
  spot: number;
  /** Full price per kWh, every component and VAT of the tariff valid then; null: no tariff. */
  import_price: number | null;
  export_price: number | null;
}

/** GET /api/v1/prices?start=&end= */
export interface Prices {
  currency: string | null;
  timezone: string;
  start: string;
  end: string;
  periods: PricePeriod[];
}

/**
 * The money of a bucket or of the totals. A server without money in its responses (older than
 * issue 11) reads as "no tariff", never as zero money.
 */
export function moneyOf(flows: Flows | EnergyBucket): Money | null {
  return (flows as { money?: Money | null }).money ?? null;
}
