// The wizard's state outside React: dispatch applies the pure reducer at once, so a key handler
// that runs before React re-renders still sees the state every earlier key produced. When the
// reducer answers with a command, the one runner carries it out; nothing else starts work.
import type { WizardCommand } from '../wizard/commands.js';
import { step } from '../wizard/reducer.js';
import type { WizardEvent, WizardState } from '../wizard/state.js';

export interface WizardStore {
  getState(): WizardState;
  dispatch(event: WizardEvent): void;
  subscribe(listener: () => void): () => void;
  /** Who carries out the reducer's commands (set once, by the App). */
  setRunner(run: (command: WizardCommand) => void): void;
}

export function createWizardStore(initial: WizardState): WizardStore {
  let state = initial;
  let runner: (command: WizardCommand) => void = () => undefined;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(event) {
      const next = step(state, event);
      if (next.state !== state) {
        state = next.state;
        for (const l of listeners) l();
      }
      for (const command of next.commands) runner(command);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setRunner(run) {
      runner = run;
    },
  };
}
