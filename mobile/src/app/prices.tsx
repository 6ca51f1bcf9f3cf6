import Screen from '@/features/prices/prices-screen';
import { PageTitle } from '@/features/shell/page-title';

export default function PricesRoute() {
  return (
    <>
      <PageTitle screen="Prices" />
      <Screen />
    </>
  );
}
