// Elapsed time since mount, ticking every second, for the card progress view.
import { useEffect, useState } from 'react';

export function useElapsed(running: boolean, intervalMs = 1000): number {
  const [start] = useState(() => Date.now());
  const [now, setNow] = useState(start);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [running, intervalMs]);
  return now - start;
}
