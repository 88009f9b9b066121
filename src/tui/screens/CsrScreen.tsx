// Reissue — step 2 with a CSR ("Reissue - CSR data"): paste it, load it from a file, or generate
// a key and CSR here; the portal checks it ("✓ Correct" or each problem); Next submits it.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, type ReactElement } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import { CSR_SOURCES } from '../../wizard/reducer.js';
import type { CsrScreen as CsrState, CsrSource } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { CHROME_ROWS, coreRows } from '../../wizard/view-size.js';
import { Busy } from '../components/Busy.js';
import { PortalProgress } from '../components/PortalProgress.js';
import { DnsRecords } from '../components/DnsRecords.js';
import { ErrorText } from '../components/ErrorText.js';
import { Menu } from '../components/Menu.js';
import { Wrapped } from '../components/Wrapped.js';
import { PasteArea } from '../components/PasteArea.js';
import { SecretField, StateField } from '../components/TextField.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { TypedAheadNote } from '../components/TypedAheadNote.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';
import { csrProblemText } from '../../domain/translate.js';

const sourceLabel = (source: CsrSource) => t(`csr.source.${source}`);

function Report({ screen }: { screen: CsrState }) {
  const report = screen.report;
  if (!report) return null;
  if (report.ok) {
    const s = report.summary;
    return (
      <Box flexDirection="column">
        <Text color="green" bold>
          ✓ {t('csr.correct')}
        </Text>
        {s ? (
          <>
            <Text wrap="truncate-end">  {t('csr.subject', { subject: s.subject })}</Text>
            <Text wrap="truncate-end">  {t('csr.domains', { domains: s.sans.join(', ') || t('csr.none') })}</Text>
            <Text wrap="truncate-end">
              {'  '}{t('csr.key', { key: `${s.keyType} ${s.curve ?? s.keySize}`, signature: s.signatureAlgorithm })}
            </Text>
          </>
        ) : null}
        {screen.generatedKeyPath ? <Text wrap="truncate-end">  {t('csr.keySaved', { path: screen.generatedKeyPath })}</Text> : null}
        <Text> </Text>
        <Wrapped text={t('csr.nextSubmits')} />
        <TypedAheadNote />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text color="red" bold>
        ✗ {t('csr.cannotUse')}
      </Text>
      {report.problems.map((p) => (
        <Wrapped key={p.code + p.message} prefix="  • " text={csrProblemText(p, t)} />
      ))}
      <Text> </Text>
      <Wrapped text={t('csr.escBack')} />
    </Box>
  );
}

/** The key being made, above its passphrase fields. */
function NewKey({ screen }: { screen: CsrState }) {
  return (
    <>
      <Text>{t('csr.algorithm')} {screen.algorithm ? algorithmLabel(screen.algorithm) : ''}</Text>
      <Text>{t('csr.privateKey')} {screen.keyPath}</Text>
    </>
  );
}

export function CsrScreen({ screen, isActive, width }: { screen: CsrState; isActive: boolean; width: number }) {
  const { dispatch, getState, secrets, keyReadAt } = useUiActions();
  const { rows } = useWizardState();
  const cert = screen.cert;
  // Path fields: App appends typed keys to the state's value; Enter takes the value every key so far left.
  const typed = (pick: (s: CsrState) => string) => {
    const latest = getState().screen;
    return latest.kind === 'csr' ? pick(latest) : '';
  };
  const pathField = (value: string, onSubmit: () => void) => <StateField value={value} isActive={isActive} onSubmit={onSubmit} />;
  const generate = (passphrase: string) => dispatch({ type: 'gen-start', passphrase });

  const handle = useCallback(
    (c: Command) => {
      if (c === 'back') dispatch({ type: 'back' });
      // Only from the review, by an Enter typed after it was drawn (the reducer checks when).
      else if (c === 'confirm' && screen.mode === 'report') dispatch({ type: 'submit-start', at: keyReadAt() });
    },
    [dispatch, keyReadAt, screen.mode],
  );
  useCommands(handle, isActive);

  const onPasteChange = useCallback((text: string) => dispatch({ type: 'csr-text', text }), [dispatch]);
  const onPasteComplete = useCallback((text: string) => dispatch({ type: 'csr-check-start', csr: new TextEncoder().encode(text) }), [dispatch]);

  // The paste area takes the rows the view's core leaves (at most 8; the core counts 3).
  const pasteLines = Math.min(8, 3 + Math.max(0, rows - CHROME_ROWS - coreRows(screen, width, new Date())));
  let body: ReactElement;
  switch (screen.mode) {
    case 'choose':
      body = (
        <Menu
          items={CSR_SOURCES.map((s) => ({ value: s, label: sourceLabel(s) }))}
          cursor={screen.cursor}
          isActive={isActive}
          onHighlight={(index) => dispatch({ type: 'highlight', index })}
          onSelect={(source) => dispatch({ type: 'choose-csr-source', source })}
        />
      );
      break;
    case 'paste':
      body = (
        <Box flexDirection="column">
          <Wrapped text={t('csr.pasteWhole')} />
          <PasteArea isActive={isActive} width={Math.min(width - 1, 79)} lines={pasteLines} onChange={onPasteChange} onComplete={onPasteComplete} />
        </Box>
      );
      break;
    case 'file':
      body = (
        <Box flexDirection="column">
          <Text>
            {t('csr.file')}{' '}
            {pathField(screen.path, () => dispatch({ type: 'csr-file-start' }))}
          </Text>
          {screen.fileError ? <ErrorText error={screen.fileError} /> : null}
        </Box>
      );
      break;
    case 'gen-algorithm':
      body = (
        <Box flexDirection="column">
          <Text>{t('csr.algorithmAndLength')}</Text>
          <Menu
            items={cert.algorithms.map((a) => ({ value: a, label: algorithmLabel(a) }))}
            cursor={screen.cursor}
            isActive={isActive}
            onHighlight={(index) => dispatch({ type: 'highlight', index })}
            onSelect={(algorithm) => dispatch({ type: 'gen-algorithm', algorithm })}
          />
        </Box>
      );
      break;
    case 'gen-key-path':
      body = (
        <Box flexDirection="column">
          <Text>{t('csr.algorithm')} {screen.algorithm ? algorithmLabel(screen.algorithm) : ''}</Text>
          <Text>
            {t('csr.saveKeyTo')}{' '}
            {pathField(screen.keyPath, () => dispatch({ type: 'gen-key-path', keyPath: typed((s) => (s.mode === 'gen-key-path' ? s.keyPath : '')) }))}
          </Text>
          {screen.fileError ? <ErrorText error={screen.fileError} /> : null}
          <Text dimColor>{t('csr.keyMode')}</Text>
        </Box>
      );
      break;
    case 'gen-passphrase':
      body = (
        <Box flexDirection="column">
          <NewKey screen={screen} />
          <Text>
            {t('csr.passphrase')}{' '}
            <SecretField
              id="passphrase"
              isActive={isActive}
              onSubmit={(value) => {
                secrets.takeFirst(); // a first entry from before Esc is void
                if (value === '') return generate('');
                // The first entry waits in the secret buffer, never in the wizard state or an event.
                secrets.keepFirst(value);
                dispatch({ type: 'gen-passphrase-typed' });
              }}
            />
          </Text>
          {screen.passphraseMismatch ? <Text color="red">✗ {t('csr.mismatch')}</Text> : null}
        </Box>
      );
      break;
    case 'gen-passphrase-repeat':
      body = (
        <Box flexDirection="column">
          <NewKey screen={screen} />
          <Text>
            {t('csr.passphraseAgain')}{' '}
            <SecretField
              id="passphrase-repeat"
              isActive={isActive}
              onSubmit={(value) => {
                if (value === secrets.takeFirst()) generate(value);
                else dispatch({ type: 'gen-passphrase-mismatch' });
              }}
            />
          </Text>
          <Text dimColor>{t('csr.passphraseWhy')}</Text>
        </Box>
      );
      break;
    case 'generating':
      body = <Busy label={t('csr.generating', { algorithm: screen.algorithm ? algorithmLabel(screen.algorithm) : '' })} />;
      break;
    case 'checking':
      body = <Busy label={t('csr.checking')} />;
      break;
    case 'report':
      body = <Report screen={screen} />;
      break;
    case 'submitting':
      body = (
        <Box flexDirection="column">
          <Busy label={t('csr.submitting')} />
          {/* The records take the steps' rows while they wait (the pending step says the same). */}
          {screen.dnsRecords ? null : <PortalProgress lines={screen.portalSteps ?? []} columns={width} />}
          <DnsRecords records={screen.dnsRecords ?? null} isActive={isActive} columns={width} />
          {screen.finishing ? <Wrapped color="yellow" text={t('csr.finishing')} /> : null}
        </Box>
      );
      break;
  }

  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('csr.title', { cn: cert.commonName })} />
      <StepIndicator step={2} />
      <Wrapped text={t('csr.intro')} />
      <Text> </Text>
      {body}
    </Box>
  );
}
