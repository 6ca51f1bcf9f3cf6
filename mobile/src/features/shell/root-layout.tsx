// The app's frame: query client, connection, theme, the five tabs, and over them the offline
// banner and (first use from a cloud API) the token prompt.
import { QueryClientProvider } from '@tanstack/react-query';
import { DarkTheme, DefaultTheme, ThemeProvider } from 'expo-router';
import { Tabs } from 'expo-router/js-tabs';
import { StatusBar } from 'expo-status-bar';
import { useEffect, useState } from 'react';
import { View } from 'react-native';
import { connectFocusToAppState, createQueryClient } from '@/api/query-client';
import { ConnectionProvider, useConnection } from '@/features/connection/connection-provider';
import { TokenPrompt } from '@/features/connection/token-prompt';
import { registerServiceWorker } from '@/lib/service-worker';
import { usePalette } from '@/lib/theme';
import { ConnectionBadge } from './connection-badge';
import { OfflineBanner } from './offline-banner';
import { DayIcon, HistoryIcon, NowIcon, PricesIcon, SettingsIcon } from './tab-icons';

export default function RootLayout() {
  const [queryClient] = useState(createQueryClient);
  useEffect(connectFocusToAppState, []);
  useEffect(registerServiceWorker, []);
  return (
    <QueryClientProvider client={queryClient}>
      <ConnectionProvider>
        <ThemedTabs />
      </ConnectionProvider>
    </QueryClientProvider>
  );
}

function ThemedTabs() {
  const palette = usePalette();
  const { status } = useConnection();
  const base = palette.scheme === 'dark' ? DarkTheme : DefaultTheme;
  const theme = {
    ...base,
    colors: {
      ...base.colors,
      primary: palette.accent,
      background: palette.background,
      card: palette.card,
      text: palette.text,
      border: palette.border,
    },
  };
  return (
    <ThemeProvider value={theme}>
      <StatusBar style={palette.scheme === 'dark' ? 'light' : 'dark'} />
      <OfflineBanner />
      <View style={{ flex: 1 }}>
        <Tabs
          screenOptions={{
            headerRight: () => <ConnectionBadge />,
            tabBarActiveTintColor: palette.accent,
            tabBarInactiveTintColor: palette.muted,
            headerTitleStyle: { fontWeight: '700' },
          }}
        >
          <Tabs.Screen
            name="index"
            options={{
              title: 'Now',
              tabBarAccessibilityLabel: 'Now: live power',
              tabBarButtonTestID: 'tab-now',
              tabBarIcon: ({ color, size }) => <NowIcon color={color} size={size} />,
            }}
          />
          <Tabs.Screen
            name="day"
            options={{
              title: 'Day',
              tabBarAccessibilityLabel: 'Day: energy by hour',
              tabBarButtonTestID: 'tab-day',
              tabBarIcon: ({ color, size }) => <DayIcon color={color} size={size} />,
            }}
          />
          <Tabs.Screen
            name="history"
            options={{
              title: 'History',
              tabBarAccessibilityLabel: 'History: weeks, months and years',
              tabBarButtonTestID: 'tab-history',
              tabBarIcon: ({ color, size }) => <HistoryIcon color={color} size={size} />,
            }}
          />
          <Tabs.Screen
            name="prices"
            options={{
              title: 'Prices',
              tabBarAccessibilityLabel: 'Prices: today, tomorrow and the cheapest hours',
              tabBarButtonTestID: 'tab-prices',
              tabBarIcon: ({ color, size }) => <PricesIcon color={color} size={size} />,
            }}
          />
          <Tabs.Screen
            name="settings"
            options={{
              title: 'Settings',
              tabBarAccessibilityLabel: 'Settings: servers and units',
              tabBarButtonTestID: 'tab-settings',
              tabBarIcon: ({ color, size }) => <SettingsIcon color={color} size={size} />,
            }}
          />
          <Tabs.Screen name="+not-found" options={{ href: null, title: 'Not found' }} />
        </Tabs>
        {status === 'needs-token' ? <TokenPrompt /> : null}
      </View>
    </ThemeProvider>
  );
}
