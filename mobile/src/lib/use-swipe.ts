import { useLayoutEffect, useMemo, useRef } from 'react';
import { PanResponder, type GestureResponderHandlers } from 'react-native';

/** Horizontal swipe: left → `onNext`, right → `onPrev`. Vertical scrolling is left alone. */
export function useSwipe(
  onPrev: () => void,
  onNext: () => void,
  threshold = 50,
): GestureResponderHandlers {
  // The latest callbacks, stored after render (never during it): a gesture ends long after the
  // commit, and the responder is built once per threshold.
  const handlers = useRef({ onPrev, onNext });
  useLayoutEffect(() => {
    handlers.current = { onPrev, onNext };
  });
  return useMemo(
    () =>
      PanResponder.create({
        onMoveShouldSetPanResponder: (_, g) =>
          Math.abs(g.dx) > 16 && Math.abs(g.dx) > 2 * Math.abs(g.dy),
        onPanResponderRelease: (_, g) => {
          if (g.dx <= -threshold) handlers.current.onNext();
          else if (g.dx >= threshold) handlers.current.onPrev();
        },
        onPanResponderTerminationRequest: () => true,
      }).panHandlers,
    [threshold],
  );
}
