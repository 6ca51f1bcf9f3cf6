// The money of a bucket or of a period's totals (issue 11). Null means no tariff: a server
// without money in its answers (one older than the money API) reads the same, never as zero.
import type { EnergyBucket, Flows, Money } from '@/api/types';

export function moneyOf(flows: Flows | EnergyBucket): Money | null {
  return flows.money ?? null;
}
