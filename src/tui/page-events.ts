// One page of the list as the events the flow takes: the wizard's loadPage and the launcher's
// first page (read before Ink loads) both fetch through here.
import type { PortalCore } from '../portal/portal.js';
import { totalShownByPage, type PageRequest } from '../wizard/list-window.js';
import type { WizardEvent } from '../wizard/state.js';

export async function pageEvents(portal: Pick<PortalCore, 'list'>, req: PageRequest, now: () => Date): Promise<WizardEvent[]> {
  // No count here: it is a second pass over every match, and the rows come first.
  const page = await portal.list({ ...req, withTotal: false });
  const total = totalShownByPage(req.offset, req.limit, page.items.length);
  // Countdowns are computed from the time of the answer.
  return [
    { type: 'tick', now: now().toISOString() },
    { type: 'page-loaded', query: req.text, offset: req.offset, items: page.items, total },
  ];
}
