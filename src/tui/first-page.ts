// The list frame for a state, as the plain string Ink would write for it: the launcher paints
// the first page of certificates with it before Ink and React have loaded. The texts come from
// the same pure functions the Ink screens use (list-view, selectors, footer), in the language
// i18n is set to, and a test checks the result against Ink's own first frame.
import { listView } from '../wizard/list-view.js';
import { headerNotice, simulatedDateTitle } from '../wizard/selectors.js';
import type { WizardState } from '../wizard/state.js';
import { footerHints } from './footer.js';
import { listFrame, type SkeletonOptions } from './skeleton.js';

/**
 * The frame of the plain list (no filter, help or error on screen), or null for anything else.
 * `simulatedDate`: the portal runs at a simulated date (the header says so, as Header does).
 */
export function listFrameFor(state: WizardState, opts: SkeletonOptions, simulatedDate = false): string | null {
  const list = state.list;
  if (state.screen.kind !== 'list' || state.help || list.filtering || list.query || list.error) return null;
  const view = listView(list, state.columns, new Date(state.now), opts.styles && opts.color);
  const content = {
    portalName: state.portalName,
    simulated: simulatedDate ? simulatedDateTitle(state) : null,
    notice: headerNotice(state),
    count: view.count,
    lines: view.lines,
    selected: view.selected,
    footer: footerHints(state),
  };
  return listFrame(state.columns, state.rows, content, opts);
}
