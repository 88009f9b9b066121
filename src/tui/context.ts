// Read-only wizard state and the ways to change it, in separate contexts, each with a hook that
// throws outside its provider (a screen rendered without <App/> is a bug, not a blank screen).
import { createContext, useContext } from 'react';
import type { WizardEvent, WizardState } from '../wizard/state.js';
import type { SecretBuffer } from './secrets.js';

export const StateContext = createContext<WizardState | null>(null);

export interface UiActions {
  dispatch: (event: WizardEvent) => void;
  /** The state after every event dispatched so far (a render's state can be a few keys behind). */
  getState: () => WizardState;
  /** The PIN or passphrase being typed (never in the wizard state). */
  secrets: SecretBuffer;
  /** The one way out of the wizard: resolves runWizard() with this exit code. */
  exit: (code: number) => void;
  /** When the key being handled was read (the input clock); an irreversible question's answer carries it. */
  keyReadAt: () => number | undefined;
}

export const UiActionsContext = createContext<UiActions | null>(null);

export function useWizardState(): WizardState {
  const state = useContext(StateContext);
  if (!state) throw new Error('useWizardState() must be used inside <App/>.');
  return state;
}

export function useUiActions(): UiActions {
  const ui = useContext(UiActionsContext);
  if (!ui) throw new Error('useUiActions() must be used inside <App/>.');
  return ui;
}
