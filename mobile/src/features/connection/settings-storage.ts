// Native: the settings (token included) live in the OS keystore via expo-secure-store
// (iOS Keychain, Android Keystore-backed storage).
import * as SecureStore from 'expo-secure-store';

const KEY = 'wattboard.settings';

export const storageNote =
  'Stored on this device in its secure storage (iOS Keychain / Android Keystore).';

export async function loadStoredSettings(): Promise<unknown> {
  const text = await SecureStore.getItemAsync(KEY);
  return text ? (JSON.parse(text) as unknown) : null;
}

export async function saveStoredSettings(settings: object): Promise<void> {
  await SecureStore.setItemAsync(KEY, JSON.stringify(settings));
}
