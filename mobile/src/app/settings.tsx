import Screen from '@/features/settings/settings-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function SettingsRoute() {
  return (
    <>
      <PageTitle screen="Settings" />
      <Screen />
    </>
  );
}
