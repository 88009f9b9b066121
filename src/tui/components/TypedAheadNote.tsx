// Under an irreversible question: a key typed before the question was on screen was dropped.
import { t } from '../../i18n/i18n.js';
import { useWizardState } from '../context.js';
import { Wrapped } from './Wrapped.js';

export function TypedAheadNote() {
  const state = useWizardState();
  return state.asked?.early ? <Wrapped color="yellow" prefix="⚠ " text={t('question.typedAhead')} /> : null;
}
