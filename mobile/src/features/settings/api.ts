// The Settings screen's test buttons: one mutation per server, so each shows its own answer.
import { useMutation, useQuery } from '@tanstack/react-query';
import { normalizeBaseUrl, type Target } from '@/api/client';
import { checkServer, listSites } from '@/features/connection/resolve';

export const settingsKeys = {
  check: (kind: Target['kind']) => ['settings', 'check', kind] as const,
  /** A fingerprint of the token tells tokens apart; the token itself stays out of keys. */
  sites: (url: string, tokenPrint: string) => ['settings', 'sites', url, tokenPrint] as const,
};

/** FNV-1a of the token: another token gets another key without the key holding the token. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

/** The homes the saved token may read on the remote server (GET /sites). */
export function useSites(remoteUrl: string, token: string) {
  const url = normalizeBaseUrl(remoteUrl);
  return useQuery({
    queryKey: settingsKeys.sites(url, fingerprint(token)),
    queryFn: ({ signal }) => listSites(url, token, { signal }),
    enabled: !!url && !!token,
    staleTime: 10 * 60_000,
  });
}

export interface CheckInput {
  url: string;
  token: string;
}

export function useCheckServer(kind: Target['kind']) {
  return useMutation({
    mutationKey: settingsKeys.check(kind),
    mutationFn: ({ url, token }: CheckInput) => checkServer(kind, url, token),
  });
}
