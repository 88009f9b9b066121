// Reissue — step 2 with a CSR ("Reissue - CSR data"): paste it, load it from a file, or generate
// a key and CSR here; the portal checks it ("✓ Correct" or each problem); Next submits it.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, type ReactElement } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import { CSR_SOURCES } from '../../wizard/reducer.js';
import type { CsrScreen as CsrState, CsrSource } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { ErrorText } from '../components/ErrorText.js';
import { Menu } from '../components/Menu.js';
import { Wrapped } from '../components/Wrapped.js';
import { PasteArea } from '../components/PasteArea.js';
import { SecretField, StateField } from '../components/TextField.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

const SOURCE_LABELS: Record<CsrSource, string> = {
  paste: 'Paste CSR',
  file: 'Load CSR from a file',
  generate: 'Generate a new key and CSR here',
};

function Report({ screen }: { screen: CsrState }) {
  const report = screen.report;
  if (!report) return null;
  if (report.ok) {
    const s = report.summary;
    return (
      <Box flexDirection="column">
        <Text color="green" bold>
          ✓ Correct
        </Text>
        {s ? (
          <>
            <Text wrap="truncate-end">  Subject: {s.subject}</Text>
            <Text wrap="truncate-end">  Domains: {s.sans.join(', ') || '(none)'}</Text>
            <Text wrap="truncate-end">
              {'  '}Key: {s.keyType} {s.curve ?? s.keySize} · Signature: {s.signatureAlgorithm}
            </Text>
          </>
        ) : null}
        {screen.generatedKeyPath ? <Text wrap="truncate-end">  Private key saved to {screen.generatedKeyPath}</Text> : null}
        <Text> </Text>
        <Text>Next (Enter) submits the CSR and issues the new copy of the certificate.</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text color="red" bold>
        ✗ The CSR cannot be used:
      </Text>
      {report.problems.map((p) => (
        <Wrapped key={p.code + p.message} prefix="  • " text={p.message} />
      ))}
      <Text> </Text>
      <Text>Esc Back: paste, load or generate another CSR.</Text>
    </Box>
  );
}

/** The key being made, above its passphrase fields. */
function NewKey({ screen }: { screen: CsrState }) {
  return (
    <>
      <Text>Algorithm: {screen.algorithm ? algorithmLabel(screen.algorithm) : ''}</Text>
      <Text>Private key: {screen.keyPath}</Text>
    </>
  );
}

export function CsrScreen({ screen, isActive, width }: { screen: CsrState; isActive: boolean; width: number }) {
  const { dispatch, getState, actions, secrets } = useUiActions();
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
      // Also while the check runs: the reducer submits once the CSR passes.
      else if (c === 'confirm' && (screen.mode === 'report' || screen.mode === 'checking')) dispatch({ type: 'submit-start' });
    },
    [dispatch, screen.mode],
  );
  useCommands(handle, isActive);

  const onPasteChange = useCallback((text: string) => dispatch({ type: 'csr-text', text }), [dispatch]);
  const onPasteComplete = useCallback((text: string) => dispatch({ type: 'csr-check-start', csr: new TextEncoder().encode(text) }), [dispatch]);

  let body: ReactElement;
  switch (screen.mode) {
    case 'choose':
      body = (
        <Menu
          items={CSR_SOURCES.map((s) => ({ value: s, label: SOURCE_LABELS[s] }))}
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
          <Text>Paste the whole CSR; it is checked as soon as the END line arrives.</Text>
          <PasteArea isActive={isActive} width={Math.min(width - 1, 79)} lines={8} onChange={onPasteChange} onComplete={onPasteComplete} />
        </Box>
      );
      break;
    case 'file':
      body = (
        <Box flexDirection="column">
          <Text>
            CSR file (PEM or DER):{' '}
            {pathField(screen.path, () => dispatch({ type: 'csr-file-start' }))}
          </Text>
          {screen.fileError ? <ErrorText error={screen.fileError} /> : null}
        </Box>
      );
      break;
    case 'gen-algorithm':
      body = (
        <Box flexDirection="column">
          <Text>Key algorithm and key length:</Text>
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
          <Text>Algorithm: {screen.algorithm ? algorithmLabel(screen.algorithm) : ''}</Text>
          <Text>
            Save the new private key to:{' '}
            {pathField(screen.keyPath, () => dispatch({ type: 'gen-key-path', keyPath: typed((s) => (s.mode === 'gen-key-path' ? s.keyPath : '')) }))}
          </Text>
          {screen.fileError ? <ErrorText error={screen.fileError} /> : null}
          <Text dimColor>The key is written with mode 0600 and never replaces an existing file.</Text>
        </Box>
      );
      break;
    case 'gen-passphrase':
      body = (
        <Box flexDirection="column">
          <NewKey screen={screen} />
          <Text>
            Passphrase for the key (optional, Enter for none):{' '}
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
          {screen.passphraseMismatch ? <Text color="red">✗ The two passphrases did not match. Type it again, or Enter for none.</Text> : null}
        </Box>
      );
      break;
    case 'gen-passphrase-repeat':
      body = (
        <Box flexDirection="column">
          <NewKey screen={screen} />
          <Text>
            Type the passphrase again:{' '}
            <SecretField
              id="passphrase-repeat"
              isActive={isActive}
              onSubmit={(value) => {
                if (value === secrets.takeFirst()) generate(value);
                else dispatch({ type: 'gen-passphrase-mismatch' });
              }}
            />
          </Text>
          <Text dimColor>Without it the key cannot be used: a typing mistake here would lock it for good.</Text>
        </Box>
      );
      break;
    case 'generating':
      body = <Busy label={`Generating a ${screen.algorithm ? algorithmLabel(screen.algorithm) : ''} key pair and CSR…`} />;
      break;
    case 'checking':
      body = <Busy label="Checking the CSR…" />;
      break;
    case 'report':
      body = <Report screen={screen} />;
      break;
    case 'submitting':
      body = <Busy label="Submitting the CSR: issuing the new copy…" />;
      break;
  }

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Reissue - CSR data · {cert.commonName}
      </Text>
      <StepIndicator step={2} />
      <Text wrap="truncate-end">Enter a Certificate Signing Request [CSR], load it from a file or generate one.</Text>
      <Text> </Text>
      {body}
    </Box>
  );
}
