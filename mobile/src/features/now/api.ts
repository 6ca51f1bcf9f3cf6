// Live power: Server-Sent Events on the web (/power/stream), polling /power/now on native.
// Both stop when the screen is not visible; both write into the same query, so the screen
// reads one place and the last value stays there when the connection drops.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Platform } from 'react-native';
import { apiUrl, getJson, targetKey } from '@/api/client';
import { staleTimes } from '@/api/query-client';
import type { PowerNow } from '@/api/types';
import { useConnection } from '@/features/connection/connection-provider';

/** Native polls this often; the issue asks for fresh data at least every 2 s. */
export const POLL_MS = 1000;
/** A poll that takes longer has failed: the next one is due anyway. */
export const POLL_TIMEOUT_MS = 2500;
/**
 * The server sends an event each live tick (about a second): a stream silent this long is
 * lost even if the socket has not said so (a server or a Wi-Fi gone without a goodbye).
 */
export const STREAM_SILENCE_MS = 2500;

export const powerKeys = {
  all: ['power'] as const,
  now: (target: string) => [...powerKeys.all, target, 'now'] as const,
};

export type LiveMode = 'stream' | 'polling' | 'paused' | 'unavailable';

export function useLivePower({ visible }: { visible: boolean }) {
  const { target, networkFailed } = useConnection();
  const queryClient = useQueryClient();
  // Live data exists only at home: the cloud API answers /power/now with 503.
  const available = target?.kind === 'home';
  const live = visible && available;
  const canStream = Platform.OS === 'web' && typeof EventSource !== 'undefined';
  const [streaming, setStreaming] = useState(false);
  const baseUrl = target?.baseUrl;
  const server = targetKey(target);

  useEffect(() => {
    if (!live || !canStream || !baseUrl) return undefined;
    const source = new EventSource(apiUrl(baseUrl, '/power/stream'));
    let silence: ReturnType<typeof setTimeout> | undefined;
    // Lost: poll in the meantime, and have the connection checked (the badge says so).
    const lost = () => {
      clearTimeout(silence);
      setStreaming(false);
      networkFailed();
    };
    source.addEventListener('power', (event) => {
      try {
        queryClient.setQueryData(
          powerKeys.now(server),
          JSON.parse((event as MessageEvent).data) as PowerNow,
        );
        setStreaming(true);
        clearTimeout(silence);
        silence = setTimeout(lost, STREAM_SILENCE_MS);
      } catch {
        // A malformed event: skip it, the next tick comes within a second.
      }
    });
    // EventSource reconnects by itself (the server asks for 2 s); events resume the stream.
    source.onerror = lost;
    return () => {
      clearTimeout(silence);
      source.close();
      setStreaming(false);
    };
  }, [live, canStream, baseUrl, server, queryClient, networkFailed]);

  const polling = live && !streaming;
  const query = useQuery({
    queryKey: powerKeys.now(server),
    queryFn: ({ signal }) =>
      getJson<PowerNow>(target!, '/power/now', { signal, timeoutMs: POLL_TIMEOUT_MS }),
    enabled: polling,
    staleTime: staleTimes.live,
    refetchInterval: polling ? POLL_MS : false,
    // The next poll is a second away: a retry would only delay the error message.
    retry: false,
  });
  const mode: LiveMode = !available
    ? 'unavailable'
    : !visible
      ? 'paused'
      : streaming
        ? 'stream'
        : 'polling';
  return { ...query, mode };
}

/** Seconds since the newest meter reading behind `data`, as of `now` (ms). */
export function dataAge(data: PowerNow, updatedAt: number, now: number): number {
  return (data.age_s ?? 0) + Math.max(0, now - updatedAt) / 1000;
}

/** Older than this, live data is flagged stale even if the server has not said so yet. */
export const STALE_AFTER_S = 5;
