// Our own portal issues in one transaction: it never leaves a reissue pending, so it knows no order
// to resume. One answer for the local and http kinds.
import { portalError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

export async function noPendingOrders(orderRef: string): Promise<never> {
  throw portalError('order-not-found', t('portal.orderNotFound', { orderRef }), t('portal.orderNotFoundHint'));
}
