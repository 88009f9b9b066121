// Details: every field of the portal's details view, the pending revocation, and the actions.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, useEffect } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import { emailsLine, formatDateTime, keyLine, pendingRevocationText, stateLabel } from '../../wizard/format.js';
import { detailsActions } from '../../wizard/selectors.js';
import type { KeySource } from '../../domain/types.js';
import type { DetailsAction, DetailsScreen as DetailsState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { ActionBar } from '../components/ActionBar.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export const ACTION_LABELS: Record<DetailsAction, string> = {
  preview: 'Certificate preview',
  'download-pem': 'Download PEM',
  'download-der': 'Download DER',
  reissue: 'Reissue certificate',
  revoke: 'Revoke certificate',
  install: 'Install on card',
};

// The details line is narrow: the product's key sources in a word or two each.
const SHORT_SOURCE: Record<KeySource, string> = { csr: 'CSR', card: 'on card', cloud: 'in the cloud' };

const line = (label: string, value: string) => (
  <Text wrap="truncate-end">
    <Text bold>{label}</Text> {value}
  </Text>
);

export function DetailsScreen({ screen, isActive }: { screen: DetailsState; isActive: boolean }) {
  const state = useWizardState();
  const { dispatch, actions } = useUiActions();
  const cert = screen.cert;
  useEffect(() => {
    void actions.refreshDetails(cert.id);
  }, [actions, cert.id]);
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const now = new Date(state.now);
  const pending = pendingRevocationText(cert, now);
  const org = cert.organization;
  const sub = cert.subscriber;
  const domains = cert.domains.join(', ') || 'none';
  const links = [cert.replaces ? `replaces ${cert.replaces}` : null, cert.replacedBy ? `replaced by ${cert.replacedBy}` : null].filter(Boolean).join(' · ') || 'none';
  const stateText =
    stateLabel(cert.state) +
    (cert.state === 'revoked' && cert.revocationDate ? ` (on ${formatDateTime(cert.revocationDate)}${cert.revocationReason ? `, ${cert.revocationReason}` : ''})` : '');
  const items = detailsActions(cert).map((a) => ({ value: a, label: ACTION_LABELS[a] }));
  const key = keyLine(cert);

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Certificate for order {cert.orderId}
      </Text>
      <Text wrap="truncate-end">
        <Text bold>CN:</Text> {cert.commonName}   <Text bold>CERTIFICATE STATE</Text> {stateText}
      </Text>
      {line("Subscriber's data:", `${sub.name} ${sub.lastName} <${sub.email}>`)}
      {line('  Verification method:', sub.verificationMethod)}
      {line("Organization's data:", org ? org.name : 'none')}
      {org ? line('  Verification method:', org.verificationMethod) : null}
      {org ? line('  Country:', `${org.country} · State or province: ${org.stateOrProvince} · Locality: ${org.locality}`) : null}
      {line("Subscriber's authorization:", cert.authorizationMethod)}
      {line(`Domain list [${cert.domains.length}]:`, domains)}
      {line('Subordinate certificates:', links)}
      {line('Product category:', cert.productCategory)}
      {line('Product:', cert.product)}
      <Text wrap="truncate-end">
        <Text bold>Activation date:</Text> {formatDateTime(cert.notBefore)}   <Text bold>Valid to:</Text> {formatDateTime(cert.notAfter)}
      </Text>
      {line('Certificate serial number:', cert.serialNumber)}
      {line('Key pair generation:', `${cert.keySources.map((s) => SHORT_SOURCE[s]).join(', ')} · ${cert.algorithms.map(algorithmLabel).join(', ')}`)}
      {key ? line('Key:', key) : null}
      {screen.emails?.length ? line('E-mails sent:', emailsLine(screen.emails)) : null}
      {pending ? (
        <Text color="yellow" wrap="truncate-end">
          ⚠ Pending revocation: {pending}
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
