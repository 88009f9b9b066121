// The texts that explain a reissue before it starts (step 1's info box and help): the reference
// manual's own words when the portal keeps its rule (same expiry, old copy revoked 14 days later),
// otherwise the same text with what this portal really does (an ACME CA sets the expiry; this
// tool revokes the old copy after the configured delay, or never).
import { t } from '../i18n/i18n.js';
import type { ReissueTerms } from '../portal/portal.js';

const isManualRule = (terms: ReissueTerms) => terms.expiry === 'same' && terms.revokeAfterDays === 14;

function termValues(terms: ReissueTerms): { expiry: string; revocation: string } {
  const expiry = t(terms.expiry === 'same' ? 'terms.expirySame' : 'terms.expiryCa');
  const days = terms.revokeAfterDays;
  const revocation = days === null ? t('terms.revokeNever') : days === 0 ? t('terms.revokeAtOnce') : t('terms.revokeAfter', { count: days });
  return { expiry, revocation };
}

/** Step 1's info box (the manual's "reissue" box). */
export function reissueInfoText(terms: ReissueTerms): string {
  return isManualRule(terms) ? t('info.reissue') : t('info.reissueTerms', termValues(terms));
}

/** The first paragraph of step 1's help. */
export function step1HelpText(terms: ReissueTerms): string {
  return isManualRule(terms) ? t('help.step1.text') : t('help.step1.textTerms', termValues(terms));
}
