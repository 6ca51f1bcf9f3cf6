import { render, screen } from '@testing-library/react-native';
import { BarsLegend } from './legend';

describe('BarsLegend', () => {
  it('names the parts of the energy bars, or of the money bars in the same places', () => {
    render(<BarsLegend />);
    expect(screen.getByLabelText('Legend: Solar used, Grid import, Export (below)')).toBeTruthy();
    screen.rerender(<BarsLegend money />);
    expect(
      screen.getByLabelText('Legend: Fixed fees, Energy cost, Export revenue (below)'),
    ).toBeTruthy();
  });
});
