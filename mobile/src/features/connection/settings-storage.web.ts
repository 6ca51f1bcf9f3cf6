// Web: browsers have no secure store; the settings (token included) sit in this origin's
// localStorage. Acceptable for a home dashboard; the Settings screen says so.
const KEY = 'wattboard.settings';

export const storageNote =
  "Stored in this browser's localStorage: anyone using this browser profile can read the token.";

export async function loadStoredSettings(): Promise<unknown> {
  if (typeof localStorage === 'undefined') return null;
  const text = localStorage.getItem(KEY);
  return text ? (JSON.parse(text) as unknown) : null;
}

export async function saveStoredSettings(settings: object): Promise<void> {
  localStorage.setItem(KEY, JSON.stringify(settings));
}
