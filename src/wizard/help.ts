// The `?` overlay: what the current step is for and which keys it takes. Texts follow the
// reference manual so that a support desk and its customer read the same words. The catalogs
// hold each text as paragraphs; they are wrapped here to the overlay's width, and a window of
// them is shown when the text is longer than the screen (↑/↓ scroll it).
import { t } from '../i18n/i18n.js';
import { wrapWords } from './format.js';
import { pinRange } from './pin.js';
import { step1HelpText } from './terms.js';
import { findReader } from './selectors.js';
import type { WizardState } from './state.js';

export interface HelpText {
  title: string;
  lines: string[];
}

/** The overlay's border and padding (2 + 2 columns). */
const FRAME_COLUMNS = 4;
/** The overlay's border (2 rows), title, the blank line and "Esc closes" around the text. */
const FRAME_ROWS = 5;

type HelpTopic = 'list' | 'pending' | 'details' | 'preview' | 'download' | 'revoke' | 'step1' | 'csr' | 'card' | 'install' | 'result' | 'error';

function topicOf(state: WizardState): HelpTopic {
  const s = state.screen;
  if (s.kind === 'pin-dialog') return 'card';
  return s.kind === 'card' && s.purpose === 'install' ? 'install' : s.kind;
}

/** The PIN length the card screen shows next to its field (the same rule, pinRange): the chosen or highlighted card's. */
function pinValues(state: WizardState): { min: number; max: number } {
  const s = state.screen;
  if (s.kind !== 'card') return pinRange();
  const reader = findReader(s.inventory, s.reader) ?? s.inventory?.readers[s.cursor] ?? null;
  return pinRange(reader?.token?.pin);
}

/** The help of the view on screen, wrapped to the window's width. */
export function helpFor(state: WizardState): HelpText {
  const topic = topicOf(state);
  // Step 1 also names the reasons to reissue (manual §3).
  const text = topic === 'step1' ? `${step1HelpText(state.terms)}\n${t('help.reasons')}\n${t('help.step1.sources')}` : t(`help.${topic}.text`, pinValues(state));
  const keys = t(`help.${topic}.keys`);
  const width = Math.max(10, state.columns - FRAME_COLUMNS);
  return { title: t(`help.${topic}.title`), lines: [...wrapWords(text, width), '', ...wrapWords(keys, width)] };
}

/** The lines of the help shown in `bodyRows`, from the scroll position kept within the text; `more`: lines below. */
export function helpWindow(help: HelpText, scroll: number, bodyRows: number): { lines: string[]; top: number; more: number } {
  const room = Math.max(1, bodyRows - FRAME_ROWS - 1);
  if (help.lines.length <= bodyRows - FRAME_ROWS) return { lines: help.lines, top: 0, more: 0 };
  const top = Math.min(Math.max(0, scroll), help.lines.length - room);
  return { lines: help.lines.slice(top, top + room), top, more: help.lines.length - top - room };
}
