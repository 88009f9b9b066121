// The `?` overlay: what the current step is for and which keys it takes. Texts follow the
// reference manual so that a support desk and its customer read the same words. The catalogs
// hold each text as paragraphs; they are wrapped here to the overlay's width.
import { t } from '../i18n/i18n.js';
import { wrapWords } from './format.js';
import type { WizardState } from './state.js';

export interface HelpText {
  title: string;
  lines: string[];
}

/** The overlay's border and padding leave 76 columns of an 80-column terminal. */
export const HELP_WIDTH = 76;

type HelpTopic = 'list' | 'pending' | 'details' | 'preview' | 'download' | 'revoke' | 'step1' | 'csr' | 'card' | 'install' | 'result' | 'error';

function topicOf(state: WizardState): HelpTopic {
  const s = state.screen;
  if (s.kind === 'pin-dialog') return 'card';
  return s.kind === 'card' && s.purpose === 'install' ? 'install' : s.kind;
}

export function helpFor(state: WizardState): HelpText {
  const topic = topicOf(state);
  // Step 1 also names the reasons to reissue (manual §3).
  const text = topic === 'step1' ? `${t('help.step1.text')}\n${t('help.reasons')}\n${t('help.step1.sources')}` : t(`help.${topic}.text`);
  const keys = t(`help.${topic}.keys`);
  return { title: t(`help.${topic}.title`), lines: [...wrapWords(text, HELP_WIDTH), '', ...wrapWords(keys, HELP_WIDTH)] };
}
