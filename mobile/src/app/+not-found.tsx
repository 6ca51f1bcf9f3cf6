import Screen from '@/features/shell/not-found-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function NotFoundRoute() {
  return (
    <>
      <PageTitle screen="Not found" />
      <Screen />
    </>
  );
}
