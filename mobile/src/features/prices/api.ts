// Day-ahead prices (GET /prices), shared by the Prices view and Now.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getJson, targetKey } from '@/api/client';
import type { Prices } from '@/api/types';
import { useTarget } from '@/features/connection/connection-provider';
import { useSiteToday } from '@/features/energy/api';
import { addDays } from '@/lib/periods';

export const priceKeys = {
  all: ['prices'] as const,
  /** `target` is targetKey() of the server asked, as for every data query. */
  range: (target: string, from: string, to: string) =>
    [...priceKeys.all, target, from, to] as const,
};

/** Dates are the site's: the server reads a bare date as the site's local midnight. */
export function pricesPath(from: string, to: string): string {
  return `/prices?start=${encodeURIComponent(from)}&end=${encodeURIComponent(to)}`;
}

/** Tomorrow's prices come out in the early afternoon: look again this often while shown. */
export const PRICES_REFRESH_MS = 15 * 60_000;

/**
 * Yesterday to the day after tomorrow around the site's date as best known before the answer
 * (the zone of the last energy answer, else this device's). A day either side keeps today and
 * tomorrow inside when that guess is a day off; the screens cut days by the answer's own zone.
 */
export function usePrices({ enabled = true }: { enabled?: boolean } = {}) {
  const target = useTarget();
  const guess = useSiteToday();
  const from = addDays(guess, -1);
  const to = addDays(guess, 3);
  return useQuery({
    queryKey: priceKeys.range(targetKey(target), from, to),
    queryFn: ({ signal }) => getJson<Prices>(target!, pricesPath(from, to), { signal }),
    enabled: !!target && enabled,
    staleTime: PRICES_REFRESH_MS,
    refetchInterval: enabled ? PRICES_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
}
