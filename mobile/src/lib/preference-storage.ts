// Native: small display preferences of this device, in the same OS store as the settings.
import * as SecureStore from 'expo-secure-store';

export async function loadPreference(key: string): Promise<string | null> {
  return SecureStore.getItemAsync(key);
}

export async function savePreference(key: string, value: string): Promise<void> {
  await SecureStore.setItemAsync(key, value);
}
