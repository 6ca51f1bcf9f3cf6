// Energy of calendar periods (/energy/day|week|month|year|years), shared by Now, Day and History.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { getJson, targetKey } from '@/api/client';
import { staleTimes } from '@/api/query-client';
import type { Energy } from '@/api/types';
import { useTarget } from '@/features/connection/connection-provider';
import { firstDay, shiftPeriod, todayIn, type PeriodKind } from '@/lib/periods';
import { useClock } from '@/lib/use-clock';

export const energyKeys = {
  all: ['energy'] as const,
  /** `target` is targetKey() of the server asked: each server's data stays its own. */
  period: (target: string, kind: PeriodKind, key: string) =>
    [...energyKeys.all, target, kind, key] as const,
};

export function energyPath(kind: PeriodKind, key: string): string {
  return kind === 'years' ? '/energy/years' : `/energy/${kind}/${encodeURIComponent(key)}`;
}

/** Whether the period may still grow: it has not ended by `today` (the site's date). */
export function isRunning(kind: PeriodKind, key: string, today: string): boolean {
  if (kind === 'years') return true;
  return firstDay(kind, shiftPeriod(kind, key, 1)) > today;
}

export interface EnergyQueryOptions {
  /** The site's date today: running periods refresh every minute, finished ones rarely. */
  today: string;
  /** Refetch on a timer while shown (Now's totals). */
  poll?: boolean;
  enabled?: boolean;
}

export function useEnergy(kind: PeriodKind, key: string, options: EnergyQueryOptions) {
  const target = useTarget();
  const running = isRunning(kind, key, options.today);
  return useQuery({
    queryKey: energyKeys.period(targetKey(target), kind, key),
    queryFn: ({ signal }) => getJson<Energy>(target!, energyPath(kind, key), { signal }),
    enabled: !!target && options.enabled !== false,
    staleTime: running ? staleTimes.current : staleTimes.past,
    refetchInterval: options.poll && running ? staleTimes.current : false,
    // Stepping to the next period keeps the previous bars on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** Today's date at the site: in the zone the server reported last, else the device's zone. */
export function useSiteToday(): string {
  const queryClient = useQueryClient();
  const now = useClock(30_000);
  const zone = queryClient
    .getQueriesData<Energy>({ queryKey: energyKeys.all })
    .map(([, data]) => data?.timezone)
    .find(Boolean);
  return todayIn(zone, new Date(now));
}
