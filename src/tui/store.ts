// The wizard's state outside React: dispatch applies the pure reducer at once, so a key handler
// that runs before React re-renders (several keys read from the terminal in one go, or while a
// slow query held the event loop) still sees the state every earlier key produced.
import { reduce } from '../wizard/reducer.js';
import type { WizardEvent, WizardState } from '../wizard/state.js';

export interface WizardStore {
  getState(): WizardState;
  dispatch(event: WizardEvent): void;
  subscribe(listener: () => void): () => void;
}

export function createWizardStore(initial: WizardState): WizardStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(event) {
      const next = reduce(state, event);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
