// A command or a flow that needs what only some portal kinds offer asks here first: the refusal
// names the portal's kind and what it lacks, before anything is sent.
import { usageError, type ReissueError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import { hasCapability, type AnyPortal, type PortalCapability } from './portal.js';

type MethodCapability = Exclude<PortalCapability, 'cloudKeys'>;

/**
 * Usage error (exit 2), as `sandbox reset` on a portal that is not the sandbox: the portal is
 * fine, the command does not apply to its kind, and the user's next step is another command or
 * another --portal, not waiting for the portal.
 */
export function capabilityMissing(portal: Pick<AnyPortal, 'kind'>, capability: PortalCapability): ReissueError {
  const what = t(`portal.capability.${capability}`);
  return usageError('portal-lacks-capability', t('portal.lacks', { kind: portal.kind, what }), t('portal.lacksHint'));
}

/** `portal` with the method of `capability`, or the usage error saying the portal lacks it. */
export function requireCapability<C extends MethodCapability>(portal: AnyPortal, capability: C) {
  if (!hasCapability(portal, capability)) throw capabilityMissing(portal, capability);
  return portal;
}
