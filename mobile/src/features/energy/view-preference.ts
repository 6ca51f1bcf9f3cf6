// kWh or money on Day and History: one choice for both screens, remembered on this device. Kept
// apart from the settings: saving those re-checks the connection, a view switch must not.
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { loadPreference, savePreference } from '@/lib/preference-storage';

export type EnergyView = 'energy' | 'money';

export const ENERGY_VIEW_KEY = 'wattboard.energy-view';

let current: EnergyView = 'energy';
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function emit(next: EnergyView) {
  current = next;
  for (const listener of listeners) listener();
}

/** Read the stored choice once per app start (later calls share the first read). */
export function loadEnergyView(): Promise<void> {
  loading ??= loadPreference(ENERGY_VIEW_KEY)
    .then((stored) => {
      if (stored === 'energy' || stored === 'money') emit(stored);
    })
    .catch(() => undefined); // unreadable: kWh, as on first use
  return loading;
}

export function setEnergyView(next: EnergyView): Promise<void> {
  emit(next);
  return savePreference(ENERGY_VIEW_KEY, next).catch(() => undefined);
}

/** For tests: forget the choice and the read, as on a fresh start. */
export function resetEnergyView(): void {
  current = 'energy';
  loading = null;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => current;
const serverSnapshot = (): EnergyView => 'energy';

export function useEnergyView(): [EnergyView, (next: EnergyView) => void] {
  const view = useSyncExternalStore(subscribe, snapshot, serverSnapshot);
  useEffect(() => {
    void loadEnergyView();
  }, []);
  const set = useCallback((next: EnergyView) => void setEnergyView(next), []);
  return [view, set];
}

/**
 * The view a screen shows for `money` (its period's `totals.money`): money only when the user
 * chose it and the server prices energy. Without a tariff the switch is hidden and kWh shown,
 * while the stored choice stays for when a tariff comes.
 */
export function useMoneyView(money: { currency: string } | null | undefined) {
  const [view, setView] = useEnergyView();
  const currency = money?.currency ?? null;
  return { view, setView, currency, showMoney: view === 'money' && currency !== null };
}
