import { useEffect, useState } from 'react';

/** The current time in ms, re-rendering every `intervalMs` (for "12 s ago" labels). */
export function useClock(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
