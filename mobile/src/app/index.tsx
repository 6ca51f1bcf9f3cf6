import Screen from '@/features/now/now-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function NowRoute() {
  return (
    <>
      <PageTitle screen="Now" />
      <Screen />
    </>
  );
}
