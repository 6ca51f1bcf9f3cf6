// The money of a period in figures: net cost, its parts, what the sun saved, and how much of the
// energy had a price (never a silent zero for what had none).
import type { Money } from '@/api/types';
import { Figures, type Figure } from '@/components/ui/figures';
import { formatMoney } from '@/lib/format';
import { usePalette, type Palette } from '@/lib/theme';

export function moneyFiguresOf(money: Money, palette: Palette): Figure[] {
  const c = money.currency;
  return [
    { id: 'net', label: 'Net cost', value: formatMoney(money.net_cost, c), color: palette.text },
    {
      id: 'import',
      label: 'Import cost',
      value: formatMoney(money.import_cost, c),
      color: palette.gridImport,
    },
    {
      id: 'export',
      label: 'Export revenue',
      value: formatMoney(money.export_revenue, c),
      color: palette.gridExport,
    },
    {
      id: 'fees',
      label: 'Fixed fees',
      value: formatMoney(money.fixed_fees, c),
      color: palette.muted,
    },
    {
      id: 'savings',
      label: 'Saved by the sun',
      value: formatMoney(money.solar_savings, c),
      color: palette.solar,
    },
  ];
}

/**
 * What `priced` means to a reader. Below 1, part of the energy had no price (a period the
 * source has not published or the fetcher missed): the amounts leave that part out, and say so.
 * The share is rounded down, so "100 %" is never shown for energy that was not all priced.
 */
export function pricedNote(money: Pick<Money, 'priced'>): string | null {
  const priced = money.priced;
  if (priced == null || priced >= 1) return null;
  if (priced <= 0) return 'No prices known for this energy: these amounts are not its cost.';
  const percent = Math.floor(priced * 100);
  return `Prices known for ${percent < 1 ? 'under 1' : percent} % of the energy: the amounts leave out the rest.`;
}

export function MoneyTotals({ money, testID = 'money' }: { money: Money; testID?: string }) {
  const palette = usePalette();
  const note = pricedNote(money);
  return (
    <Figures
      figures={moneyFiguresOf(money, palette)}
      note={note ? { id: 'priced', text: note, color: palette.warning } : null}
      testID={testID}
    />
  );
}
