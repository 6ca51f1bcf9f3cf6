// First use of the app from a cloud API: it asks for the token (stored as Settings stores it,
// never put in a URL), then for the home to show when the token opens several.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import type { Site } from '@/api/types';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { usePalette } from '@/lib/theme';
import { useConnection } from './connection-provider';
import { checkServer, listSites } from './resolve';
import { storageNote } from './settings-storage';

/** What the prompt learnt from the server about a token: accepted for these sites, or why not. */
type TokenCheck = { ok: true; sites: Site[] } | { ok: false; message: string };

async function checkToken(url: string, token: string): Promise<TokenCheck> {
  const check = await checkServer('remote', url, token);
  if (!check.ok) return { ok: false, message: check.message };
  return { ok: true, sites: await listSites(url, token) };
}

/** The id to save: '' for the server's default site (no `?site=` needed). */
export function siteSetting(site: Site): string {
  return site.default ? '' : site.id;
}

export function TokenPrompt() {
  const palette = usePalette();
  const connection = useConnection();
  const { settings } = connection;
  const [token, setToken] = useState('');
  const check = useMutation({
    mutationKey: ['token-prompt', settings.remoteUrl],
    mutationFn: (candidate: string) => checkToken(settings.remoteUrl, candidate),
  });
  const save = (site: Site) =>
    void connection.saveSettings({ ...settings, token: token.trim(), site: siteSetting(site) });
  const submit = async () => {
    const result = await check.mutateAsync(token.trim()).catch((err: unknown) => ({
      ok: false as const,
      message: err instanceof Error ? err.message : String(err),
    }));
    if (result.ok && result.sites.length === 1) save(result.sites[0]!);
  };
  const sites = check.data?.ok ? check.data.sites : null;

  return (
    <ScrollView
      testID="token-prompt"
      style={[StyleSheet.absoluteFill, { backgroundColor: palette.background }]}
      contentContainerStyle={styles.content}
    >
      <View style={styles.inner}>
        <Card title="Sign in to Wattboard" testID="card-token">
          <Text style={{ color: palette.text }}>
            This is the cloud copy of a home's Wattboard at {settings.remoteUrl}. Enter its access
            token (api.token) to see the energy history.
          </Text>
          <Field
            testID="prompt-token"
            label="Token"
            value={token}
            onChange={(text) => {
              check.reset();
              setToken(text);
            }}
            placeholder="api.token of this server"
            secure
          />
          <Text style={[styles.help, { color: palette.muted }]}>{storageNote}</Text>
          <Button
            testID="prompt-submit"
            variant="primary"
            label={check.isPending ? 'Checking…' : 'Open'}
            disabled={!token.trim() || check.isPending}
            onPress={() => void submit()}
          />
          {check.data && !check.data.ok ? (
            <Text testID="prompt-error" style={{ color: palette.danger }}>
              {check.data.message}
            </Text>
          ) : null}
        </Card>
        {sites && sites.length > 1 ? (
          <Card title="Which home?" testID="card-sites">
            <Text style={{ color: palette.text }}>
              This token opens {sites.length} homes. The app remembers your choice; change it under
              Settings.
            </Text>
            {sites.map((site) => (
              <Button
                key={site.id}
                testID={`site-${site.id}`}
                label={site.default ? `${site.id} (default)` : site.id}
                onPress={() => save(site)}
              />
            ))}
          </Card>
        ) : null}
      </View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, alignItems: 'center' },
  inner: { width: '100%', maxWidth: 520, gap: 12 },
  help: { fontSize: 12, lineHeight: 17 },
});
