// The power curve of a day (/power/day/{date}); the day's energy comes from energy/api.ts.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getJson, targetKey } from '@/api/client';
import { staleTimes } from '@/api/query-client';
import type { PowerDay } from '@/api/types';
import { useTarget } from '@/features/connection/connection-provider';

export type Resolution = '1m' | '5m' | '15m';

export const powerDayKeys = {
  all: ['power-day'] as const,
  day: (target: string, date: string, resolution: Resolution) =>
    [...powerDayKeys.all, target, date, resolution] as const,
};

export function usePowerDay(date: string, today: string, resolution: Resolution = '5m') {
  const target = useTarget();
  const running = date >= today;
  return useQuery({
    queryKey: powerDayKeys.day(targetKey(target), date, resolution),
    queryFn: ({ signal }) =>
      getJson<PowerDay>(target!, `/power/day/${date}?resolution=${resolution}`, { signal }),
    enabled: !!target,
    staleTime: running ? staleTimes.current : staleTimes.past,
    placeholderData: keepPreviousData,
  });
}
