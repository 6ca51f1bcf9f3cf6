// The flows of a period in figures: import, export, solar, consumption, self-sufficiency.
import type { Flows } from '@/api/types';
import { Figures, type Figure } from '@/components/ui/figures';
import { formatEnergy, formatPercent, type EnergyUnit } from '@/lib/format';
import { usePalette, type Palette } from '@/lib/theme';

export function figuresOf(flows: Flows, unit: EnergyUnit, palette: Palette): Figure[] {
  return [
    {
      id: 'consumption',
      label: 'Used',
      value: formatEnergy(flows.consumption, unit),
      color: palette.home,
    },
    { id: 'solar', label: 'Solar', value: formatEnergy(flows.solar, unit), color: palette.solar },
    {
      id: 'import',
      label: 'Imported',
      value: formatEnergy(flows.grid_import, unit),
      color: palette.gridImport,
    },
    {
      id: 'export',
      label: 'Exported',
      value: formatEnergy(flows.grid_export, unit),
      color: palette.gridExport,
    },
    {
      id: 'self-sufficiency',
      label: 'Self-sufficiency',
      value: formatPercent(flows.self_sufficiency),
      color: palette.ok,
    },
    {
      id: 'self-consumption',
      label: 'Solar used at home',
      value: formatPercent(flows.self_consumption_ratio),
      color: palette.solar,
    },
  ];
}

/** When a period ends, and when the site's first record was (the report's `first_ts`). */
export interface Installed {
  endTs: number;
  firstTs: number | null | undefined;
}

/**
 * What the coverage of a period means to a reader. The server counts coverage from the site's
 * first record, so a period that ended before it has none: it is before this installation,
 * which is not missing data. Only minutes missing after it make a period incomplete.
 */
export function coverageNote(
  flows: Pick<Flows, 'coverage'>,
  installed?: Installed,
): { tone: 'info' | 'warning'; text: string } | null {
  const first = installed?.firstTs;
  if (installed && first != null && installed.endTs <= first) {
    return { tone: 'info', text: 'Before this installation: nothing was recorded yet.' };
  }
  if (flows.coverage != null && flows.coverage < 0.99) {
    return {
      tone: 'warning',
      text: `Data ${formatPercent(flows.coverage)} complete: some minutes are missing.`,
    };
  }
  return null;
}

export function Totals({
  flows,
  unit,
  installed,
  testID = 'totals',
}: {
  flows: Flows;
  unit: EnergyUnit;
  installed?: Installed;
  testID?: string;
}) {
  const palette = usePalette();
  const note = coverageNote(flows, installed);
  return (
    <Figures
      figures={figuresOf(flows, unit, palette)}
      note={
        note && {
          id: 'coverage',
          text: note.text,
          color: note.tone === 'warning' ? palette.warning : palette.muted,
        }
      }
      testID={testID}
    />
  );
}
