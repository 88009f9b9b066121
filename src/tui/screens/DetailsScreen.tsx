// Details: every field of the portal's details view, the pending revocation, and the actions.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import { emailsLine, formatDateTime, keyLine, stateLabel, willBeRevokedText } from '../../wizard/format.js';
import { detailsActions } from '../../wizard/selectors.js';
import type { KeySource } from '../../domain/types.js';
import type { DetailsAction, DetailsScreen as DetailsState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { ActionBar } from '../components/ActionBar.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export const actionLabel = (action: DetailsAction) => t(`details.action.${action}`);

// The details line is narrow: the product's key sources in a word or two each.

const line = (label: string, value: string) => (
  <Text wrap="truncate-end">
    <Text bold>{label}</Text> {value}
  </Text>
);

export function DetailsScreen({ screen, isActive }: { screen: DetailsState; isActive: boolean }) {
  const state = useWizardState();
  const { dispatch } = useUiActions();
  const cert = screen.cert;
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const now = new Date(state.now);
  const pending = willBeRevokedText(cert, now);
  const org = cert.organization;
  const sub = cert.subscriber;
  const domains = cert.domains.join(', ') || t('details.none');
  const stateText =
    stateLabel(cert.state) +
    (cert.state === 'revoked' && cert.revocationDate ? ` (${t('details.revokedOn', { date: formatDateTime(cert.revocationDate) })}${cert.revocationReason ? `, ${cert.revocationReason}` : ''})` : '');
  const items = detailsActions(cert).map((a) => ({ value: a, label: actionLabel(a) }));
  const key = keyLine(cert);

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {t('details.title', { order: cert.orderId })}
      </Text>
      <Text wrap="truncate-end">
        <Text bold>CN:</Text> {cert.commonName}   <Text bold>{t('details.state')}</Text> {stateText}
      </Text>
      {line(t('details.subscriber'), `${sub.name} ${sub.lastName} <${sub.email}>`)}
      {line(`  ${t('details.verificationMethod')}`, sub.verificationMethod)}
      {line(t('details.organization'), org ? org.name : t('details.none'))}
      {org ? line(`  ${t('details.verificationMethod')}`, org.verificationMethod) : null}
      {org ? line(`  ${t('details.country')}`, t('details.place', { country: org.country, state: org.stateOrProvince, locality: org.locality })) : null}
      {line(t('details.authorization'), cert.authorizationMethod)}
      {line(t('details.domains', { count: cert.domains.length }), domains)}
      {cert.replaces ? line(t('details.replaces'), cert.replaces) : null}
      {cert.replacedBy ? line(t('details.replacedBy'), cert.replacedBy) : null}
      {line(t('details.productCategory'), cert.productCategory)}
      {line(t('details.product'), cert.product)}
      <Text wrap="truncate-end">
        <Text bold>{t('details.activationDate')}</Text> {formatDateTime(cert.notBefore)}   <Text bold>{t('details.validTo')}</Text> {formatDateTime(cert.notAfter)}
      </Text>
      {line(t('details.serialNumber'), cert.serialNumber)}
      {line(t('details.keyGeneration'), `${cert.keySources.map((s) => t(`details.keySource.${s}`)).join(', ')} · ${cert.algorithms.map(algorithmLabel).join(', ')}`)}
      {key ? line(t('details.key'), key) : null}
      {screen.emails?.length ? line(t('details.emails'), emailsLine(screen.emails)) : null}
      {pending ? (
        <Text color="yellow" wrap="truncate-end">
          ⚠ {t('details.thisCopy', { when: pending })}
        </Text>
      ) : null}
      {screen.notice ? (
        <Text color="green" wrap="truncate-end">
          ✓ {screen.notice}
        </Text>
      ) : null}
      <ActionBar
        items={items}
        cursor={Math.min(screen.cursor, items.length - 1)}
        isActive={isActive}
        onHighlight={(index) => dispatch({ type: 'highlight', index })}
        onSelect={(action) => dispatch({ type: 'choose-action', action })}
      />
    </Box>
  );
}
