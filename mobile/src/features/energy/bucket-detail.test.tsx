import { fireEvent, render, screen } from '@testing-library/react-native';
import type { EnergyBucket } from '@/api/types';
import fallBack from '@/test/fixtures/energy-day-2025-10-26.json';
import { BucketDetail } from './bucket-detail';

const buckets = fallBack.buckets as EnergyBucket[];
const keys = buckets.map((b) => b.key);

function renderDetail(index: number) {
  const onClose = jest.fn();
  render(
    <BucketDetail
      kind="day"
      bucket={buckets[index]!}
      siblingKeys={keys}
      unit="kWh"
      onClose={onClose}
    />,
  );
  return onClose;
}

describe('BucketDetail', () => {
  it('titles an ordinary hour of the fall-back day with its local time only', () => {
    renderDetail(11); // 2025-10-26T10:00+02:00: the 12th bucket, after the repeated 03:00
    expect(screen.getByRole('header')).toHaveTextContent('10:00', { exact: true });
  });

  it('titles the repeated 03:00 of 2025-10-26 (Europe/Helsinki) with each offset', () => {
    renderDetail(3);
    expect(screen.getByRole('header')).toHaveTextContent('03:00 (UTC+03:00)', { exact: true });
    screen.unmount();
    const onClose = renderDetail(4);
    expect(screen.getByRole('header')).toHaveTextContent('03:00 (UTC+02:00)', { exact: true });
    fireEvent.press(screen.getByLabelText('Close the details'));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
