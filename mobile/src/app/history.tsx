import Screen from '@/features/history/history-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function HistoryRoute() {
  return (
    <>
      <PageTitle screen="History" />
      <Screen />
    </>
  );
}
