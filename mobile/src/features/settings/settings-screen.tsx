// Settings: the home and remote servers (with test buttons), the token, and units.
import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { AfterHydration } from '@/components/ui/after-hydration';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Screen } from '@/components/ui/screen';
import { Segmented } from '@/components/ui/segmented';
import { useConnection } from '@/features/connection/connection-provider';
import { NoConnectionError } from '@/features/connection/resolve';
import { urlProblem, type Settings } from '@/features/connection/settings';
import { storageNote } from '@/features/connection/settings-storage';
import type { EnergyUnit, PowerUnit } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import { useCheckServer, useSites } from './api';

function CheckResult({ state }: { state: ReturnType<typeof useCheckServer> }) {
  const palette = usePalette();
  if (state.isPending) return <Text style={{ color: palette.muted }}>Testing…</Text>;
  if (!state.data) return null;
  return (
    <Text
      testID="check-result"
      accessibilityLiveRegion="polite"
      style={{ color: state.data.ok ? palette.ok : palette.danger, fontSize: 13 }}
    >
      {state.data.message}
    </Text>
  );
}

export default function SettingsScreen() {
  return <AfterHydration testID="screen-settings">{() => <SettingsContent />}</AfterHydration>;
}

function SettingsContent() {
  const palette = usePalette();
  const connection = useConnection();
  const [draft, setDraft] = useState<Settings | null>(null);
  const form = draft ?? connection.settings;
  const edit = (patch: Partial<Settings>) => setDraft({ ...form, ...patch });
  const checkHome = useCheckServer('home');
  const checkRemote = useCheckServer('remote');
  const homeProblem = urlProblem(form.homeUrl);
  const remoteProblem = urlProblem(form.remoteUrl);
  const dirty =
    draft !== null &&
    (['homeUrl', 'remoteUrl', 'token'] as const).some((k) => draft[k] !== connection.settings[k]);
  const save = async () => {
    await connection.saveSettings(form);
    setDraft(null);
  };
  const setUnits = (patch: { powerUnit?: PowerUnit; energyUnit?: EnergyUnit }) => {
    // Units apply at once; unsaved server edits stay in the form.
    void connection.saveSettings({ ...connection.settings, ...patch });
    if (draft) setDraft({ ...draft, ...patch });
  };

  const { resolved, status } = connection;
  let using: string;
  if (status === 'ok' && resolved) {
    using =
      `${resolved.target.kind === 'home' ? 'Home' : 'Remote'}: ${resolved.target.baseUrl} ` +
      `(Wattboard ${resolved.health.version}, ${resolved.ms} ms)` +
      (resolved.homeError ? `. Home did not answer: ${resolved.homeError}.` : '.');
  } else if (status === 'offline') {
    const error = connection.error;
    using =
      error instanceof NoConnectionError
        ? `No server answers. ${error.reasons.join('; ')}`
        : `No server answers (${String(error)})`;
  } else if (status === 'unconfigured') {
    using = 'No server set up yet.';
  } else {
    using = 'Looking for the server…';
  }

  return (
    <Screen testID="screen-settings" narrow>
      <Card title="Connection" testID="card-connection">
        <Text
          testID="connection-status"
          accessibilityLiveRegion="polite"
          style={{ color: status === 'offline' ? palette.danger : palette.text }}
        >
          {using}
        </Text>
        <Text style={[styles.help, { color: palette.muted }]}>
          The app uses the home server when it answers within 1.5 seconds, otherwise the remote one.
        </Text>
        <Button label="Check again" compact onPress={connection.recheck} testID="recheck" />
      </Card>
      <Card title="Home server" testID="card-home">
        <Field
          testID="home-url"
          label="Home URL"
          value={form.homeUrl}
          onChange={(homeUrl) => {
            checkHome.reset(); // an answer about the old URL would mislead
            edit({ homeUrl });
          }}
          placeholder="http://wattboard.local:8000"
          error={homeProblem}
        />
        <View style={styles.actions}>
          <Button
            testID="test-home"
            label="Test home"
            accessibilityLabel="Test the connection to the home server"
            onPress={() => checkHome.mutate({ url: form.homeUrl, token: '' })}
          />
        </View>
        <CheckResult state={checkHome} />
      </Card>
      <Card title="Remote server (away from home)" testID="card-remote">
        <Field
          testID="remote-url"
          label="Remote URL"
          value={form.remoteUrl}
          onChange={(remoteUrl) => {
            checkRemote.reset();
            edit({ remoteUrl });
          }}
          placeholder="https://wattboard.example.net"
          error={remoteProblem}
        />
        <Field
          testID="remote-token"
          label="Token"
          value={form.token}
          onChange={(token) => {
            checkRemote.reset();
            edit({ token });
          }}
          placeholder="api.token of the cloud API"
          secure
        />
        <Text style={[styles.help, { color: palette.muted }]}>{storageNote}</Text>
        <View style={styles.actions}>
          <Button
            testID="test-remote"
            label="Test remote"
            accessibilityLabel="Test the connection to the remote server and its token"
            onPress={() => checkRemote.mutate({ url: form.remoteUrl, token: form.token })}
          />
        </View>
        <CheckResult state={checkRemote} />
      </Card>
      <SiteChoice />
      <View style={styles.actions}>
        <Button
          testID="save-settings"
          variant="primary"
          label={dirty ? 'Save and reconnect' : 'Saved'}
          disabled={!dirty || !!homeProblem || !!remoteProblem}
          onPress={() => void save()}
        />
        {dirty ? <Button label="Discard changes" onPress={() => setDraft(null)} /> : null}
      </View>
      <Card title="Units" testID="card-units">
        <Text style={[styles.label, { color: palette.text }]}>Power</Text>
        <Segmented
          testID="unit-power"
          accessibilityLabel="Power unit"
          value={connection.settings.powerUnit}
          onChange={(powerUnit) => setUnits({ powerUnit })}
          options={[
            { value: 'W', label: 'W', accessibilityLabel: 'Watts' },
            { value: 'kW', label: 'kW', accessibilityLabel: 'Kilowatts' },
          ]}
        />
        <Text style={[styles.label, { color: palette.text }]}>Energy</Text>
        <Segmented
          testID="unit-energy"
          accessibilityLabel="Energy unit"
          value={connection.settings.energyUnit}
          onChange={(energyUnit) => setUnits({ energyUnit })}
          options={[
            { value: 'Wh', label: 'Wh', accessibilityLabel: 'Watt-hours' },
            { value: 'kWh', label: 'kWh', accessibilityLabel: 'Kilowatt-hours' },
          ]}
        />
      </Card>
      {status === 'offline' ? (
        <Notice
          tone="warning"
          title="Offline"
          body="The screens keep showing the last data they loaded, with its age, until a server answers again."
        />
      ) : null}
    </Screen>
  );
}

/** A cloud API for several homes: which one this app shows (saved at once, and remembered). */
function SiteChoice() {
  const palette = usePalette();
  const connection = useConnection();
  const { settings } = connection;
  const sites = useSites(settings.remoteUrl, settings.token);
  if (!sites.data || sites.data.length < 2) return null;
  const chosen =
    sites.data.find((s) => s.id === settings.site) ?? sites.data.find((s) => s.default);
  return (
    <Card title="Home on the remote server" testID="card-site">
      <Text style={[styles.help, { color: palette.muted }]}>
        The token opens several homes; the app shows one at a time.
      </Text>
      <Segmented
        testID="site-choice"
        accessibilityLabel="Home to show"
        value={chosen?.id ?? ''}
        onChange={(id) => {
          const site = sites.data.find((s) => s.id === id);
          if (site)
            void connection.saveSettings({ ...settings, site: site.default ? '' : site.id });
        }}
        options={sites.data.map((s) => ({ value: s.id, label: s.id }))}
      />
    </Card>
  );
}

const styles = StyleSheet.create({
  field: { gap: 6 },
  label: { fontSize: 14, fontWeight: '600' },
  input: { borderWidth: 1, borderRadius: 10, paddingHorizontal: 12, minHeight: 44, fontSize: 16 },
  help: { fontSize: 12, lineHeight: 17 },
  actions: { flexDirection: 'row', gap: 8, flexWrap: 'wrap' },
});
