// The wizard's start, run by the launcher while the skeleton is on screen and before commander,
// Ink and React load: the settings, the portal, its name and the first page of certificates,
// painted at once as the list. The wizard then starts from exactly this context and these
// events, so Ink's first frame is the list already on screen (nothing is read twice).
import { setLanguage } from '../i18n/i18n.js';
import { repaintSkeleton } from '../tui/first-paint.js';
import { listFrameFor } from '../tui/first-page.js';
import { pageEvents } from '../tui/page-events.js';
import { pageToFetch } from '../wizard/list-window.js';
import { initialState, startState } from '../wizard/reducer.js';
import type { WizardEvent } from '../wizard/state.js';
import { createContext, type CliContext, type Io } from './context.js';
import { loadSettings } from './env.js';

export interface WizardStart {
  ctx: CliContext;
  /** What the wizard already knows (empty when nothing could be read early). */
  known: WizardEvent[];
}

/** Null when the settings cannot be read: the command line then reports it as usual. */
export async function startWizardEarly(io: Io): Promise<WizardStart | null> {
  let ctx: CliContext;
  try {
    ctx = createContext(await loadSettings({}, io.env), io);
  } catch {
    return null;
  }
  // The list is painted in the wizard's language (the skeleton's came from the same sources).
  setLanguage(ctx.settings.lang);
  const lang = ctx.settings.lang;
  const simulatedDate = ctx.simulatedDate !== null;
  // An HTTP portal's answers take network time; the wizard asks it once Ink is up.
  if (!ctx.isLocalPortal) return { ctx, known: [] };
  const size = { rows: io.stdout.rows || 24, columns: io.stdout.columns || 80 };
  try {
    const portal = await ctx.portal();
    const info = await portal.info();
    const known: WizardEvent[] = [{ type: 'portal-info', name: info.name, now: info.now, capabilities: info.capabilities, terms: info.terms }];
    const list = initialState({ ...size, now: info.now }).list;
    // The request the list screen itself would make first.
    const req = pageToFetch(list.query, list, list.total, list.height, null);
    if (req) known.push(...(await pageEvents(portal, req, () => ctx.clock.now())));
    repaintSkeleton((columns, rows, opts) => listFrameFor(startState({ rows, columns, now: info.now }, known), { ...opts, lang }, simulatedDate));
    return { ctx, known };
  } catch {
    // The portal could not be opened or read: the wizard meets the same error and shows it.
    return { ctx, known: [] };
  }
}
