// The Settings screen's test buttons: one mutation per server, so each shows its own answer.
import { useMutation } from '@tanstack/react-query';
import type { Target } from '@/api/client';
import { checkServer } from '@/features/connection/resolve';

export const settingsKeys = {
  check: (kind: Target['kind']) => ['settings', 'check', kind] as const,
};

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
