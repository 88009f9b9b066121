// The card service is opened on first use (it loads PKCS#11) and closed exactly once on exit.
import type { CardService } from '../card/card.js';
import type { WizardServices } from './services.js';

export interface CardHolder {
  get(): Promise<CardService>;
  /** Closes the card service if it was opened; safe to call more than once. */
  close(): Promise<void>;
}

export function createCardHolder(services: Pick<WizardServices, 'openCard'>): CardHolder {
  let opening: Promise<CardService> | null = null;
  return {
    get() {
      if (!opening) {
        opening = services.openCard();
        // A failed open (no module) can be retried after the user fixes it.
        opening.catch(() => {
          opening = null;
        });
      }
      return opening;
    },
    async close() {
      const current = opening;
      opening = null;
      if (!current) return;
      const card = await current.catch(() => null);
      await card?.close();
    },
  };
}
