import Screen from '@/features/day/day-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function DayRoute() {
  return (
    <>
      <PageTitle screen="Day" />
      <Screen />
    </>
  );
}
