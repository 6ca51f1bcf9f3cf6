// Web: small display preferences of this browser, in this origin's localStorage.
export async function loadPreference(key: string): Promise<string | null> {
  if (typeof localStorage === 'undefined') return null;
  return localStorage.getItem(key);
}

export async function savePreference(key: string, value: string): Promise<void> {
  if (typeof localStorage !== 'undefined') localStorage.setItem(key, value);
}
