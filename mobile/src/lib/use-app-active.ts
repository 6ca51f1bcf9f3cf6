import { useEffect, useState } from 'react';
import { AppState, Platform } from 'react-native';

function visibleNow(): boolean {
  if (Platform.OS === 'web') {
    return typeof document === 'undefined' || document.visibilityState !== 'hidden';
  }
  return AppState.currentState !== 'background' && AppState.currentState !== 'inactive';
}

/** Whether the app is in the foreground (native: AppState; web: the tab is visible). */
export function useAppActive(): boolean {
  const [active, setActive] = useState(visibleNow);
  useEffect(() => {
    if (Platform.OS === 'web') {
      if (typeof document === 'undefined') return undefined;
      const onChange = () => setActive(visibleNow());
      document.addEventListener('visibilitychange', onChange);
      return () => document.removeEventListener('visibilitychange', onChange);
    }
    const subscription = AppState.addEventListener('change', (state) => {
      setActive(state === 'active');
    });
    return () => subscription.remove();
  }, []);
  return active;
}
