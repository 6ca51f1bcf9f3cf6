import { render, screen } from '@testing-library/react-native';
import { StyleSheet } from 'react-native';
import { light } from '@/lib/theme';
import { Figures } from './figures';

const figures = [
  { id: 'net', label: 'Net cost', value: '€3.09', color: light.text },
  { id: 'fees', label: 'Fixed fees', value: '€0.20', color: light.muted },
];

describe('Figures', () => {
  it('shows a cell per figure, each read as one "label: value"', () => {
    render(<Figures figures={figures} testID="money" />);
    expect(screen.getByTestId('money-net').props.accessibilityLabel).toBe('Net cost: €3.09');
    expect(screen.getByTestId('money-fees').props.accessibilityLabel).toBe('Fixed fees: €0.20');
    expect(screen.getByText('€0.20')).toBeTruthy();
    const dots = screen
      .getByTestId('money-fees')
      .findAll((n) => StyleSheet.flatten(n.props.style)?.backgroundColor === light.muted);
    expect(dots.length).toBeGreaterThan(0);
  });

  it('adds its note under the cells in the note’s colour, and none when there is none', () => {
    render(
      <Figures
        figures={figures}
        note={{ id: 'priced', text: 'Prices known for 96 % of the energy.', color: light.warning }}
        testID="money"
      />,
    );
    const note = screen.getByTestId('money-priced');
    expect(note.props.children).toBe('Prices known for 96 % of the energy.');
    expect(StyleSheet.flatten(note.props.style).color).toBe(light.warning);
    screen.rerender(<Figures figures={figures} note={null} testID="money" />);
    expect(screen.queryByTestId('money-priced')).toBeNull();
  });
});
