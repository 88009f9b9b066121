// The wizard's root: owns the flow state, provides services/state/actions through context,
// handles the few global keys, and shows exactly one screen whose keys are live.
import { Box, Text, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { helpFor, helpWindow } from '../wizard/help.js';
import { wrapWords } from '../wizard/format.js';
import { CHROME_ROWS, textWidth, viewFits, viewMinimum } from '../wizard/view-size.js';
import { t } from '../i18n/i18n.js';
import { awaitsLoad } from '../wizard/loads.js';
import { startState } from '../wizard/reducer.js';
import { isBusy, isTyping, pendingOrderText, textField } from '../wizard/selectors.js';
import type { WizardEvent, WizardState } from '../wizard/state.js';
import { createActions } from './actions.js';
import type { CardHolder } from './card-holder.js';
import { StateContext, UiActionsContext, type UiActions } from './context.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { Wrapped } from './components/Wrapped.js';
import { footerHints } from './footer.js';
import { commandFor } from './keymap.js';
import { inputClock, type KeyQueue } from './input/key-queue.js';
import { isHelpKey } from './input/keys.js';
import { CardScreen } from './screens/CardScreen.js';
import { CsrScreen } from './screens/CsrScreen.js';
import { DetailsScreen } from './screens/DetailsScreen.js';
import { DownloadScreen } from './screens/DownloadScreen.js';
import { ErrorScreen } from './screens/ErrorScreen.js';
import { PinDialogScreen } from './screens/PinDialogScreen.js';
import { ListScreen } from './screens/ListScreen.js';
import { PendingScreen } from './screens/PendingScreen.js';
import { PreviewScreen } from './screens/PreviewScreen.js';
import { ResultScreen } from './screens/ResultScreen.js';
import { RevokeScreen } from './screens/RevokeScreen.js';
import { Step1Screen } from './screens/Step1Screen.js';
import { createSecretBuffer } from './secrets.js';
import { createWizardStore } from './store.js';
import { fieldKey } from './typing.js';
import { ServicesContext, type WizardServices } from './services.js';
import { ColorContext } from './theme.js';

/** Exit code when the user presses Ctrl+C (the shell's convention for SIGINT). */
export { EXIT_INTERRUPTED } from '../flows/outcome.js';

const TICK_MS = 30_000;

function CurrentScreen({ state, isActive }: { state: WizardState; isActive: boolean }) {
  const s = state.screen;
  const height = state.rows - CHROME_ROWS;
  // A key per screen kind (and per certificate) so that widgets start fresh on each screen.
  switch (s.kind) {
    case 'list':
      return <ListScreen isActive={isActive} />;
    case 'pending':
      return <PendingScreen screen={s} isActive={isActive} height={height} />;
    case 'details':
      return <DetailsScreen key={s.cert.id} screen={s} isActive={isActive} />;
    case 'preview':
      return <PreviewScreen screen={s} isActive={isActive} height={height} />;
    case 'download':
      return <DownloadScreen screen={s} isActive={isActive} />;
    case 'revoke':
      return <RevokeScreen screen={s} isActive={isActive} />;
    case 'step1':
      return <Step1Screen key={s.stage} screen={s} isActive={isActive} />;
    case 'csr':
      return <CsrScreen key={s.mode} screen={s} isActive={isActive} width={state.columns} />;
    case 'card':
      return <CardScreen key={`${s.purpose}-${s.phase}`} screen={s} isActive={isActive} />;
    case 'result':
      return <ResultScreen screen={s} isActive={isActive} />;
    case 'error':
      return <ErrorScreen screen={s} isActive={isActive} />;
    case 'pin-dialog':
      return <PinDialogScreen key={s.mode} screen={s} isActive={isActive} />;
  }
}

/** Instead of a view that does not fit: how large the window must be (the whole frame, header and footer too). */
function TooSmall({ state }: { state: WizardState }) {
  const need = viewMinimum(state);
  const lines = wrapWords(t('window.tooSmall', { columns: need.columns, rows: need.rows }), textWidth(state.columns));
  return (
    <Box flexDirection="column">
      {lines.slice(0, Math.max(1, state.rows - 1)).map((line, i) => (
        <Text key={i} bold={i === 0}>
          {line}
        </Text>
      ))}
    </Box>
  );
}

export interface AppProps {
  services: WizardServices;
  card: CardHolder;
  onExit: (code: number) => void;
  color?: boolean;
  /** Events already known when the wizard starts (the portal's name, the first page read by the launcher). */
  known?: readonly WizardEvent[];
  /** The input queue Ink reads from (runWizard's): when each key was read, and holding keys during loads. */
  keys?: KeyQueue;
}

export function App({ services, card, onExit, color = true, known = [], keys }: AppProps) {
  const { stdout } = useStdout();
  const [store] = useState(() => createWizardStore(startState({ rows: stdout.rows || 24, columns: stdout.columns || 80, now: services.now().toISOString() }, known)));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { dispatch, getState } = store;
  // The one runner: the store hands it every command the reducer returns; screens only send events.
  const runner = useMemo(() => createActions(services, card, dispatch), [services, card, dispatch]);
  store.setRunner((command) => void runner.run(command));
  const [secrets] = useState(createSecretBuffer);
  const ui: UiActions = useMemo(() => ({ dispatch, getState, secrets, exit: onExit, keyReadAt: () => keys?.current()?.readAt }), [dispatch, getState, secrets, onExit, keys]);

  // Keys typed while the screen waits for its rows (a remote portal) wait too, then apply to them.
  useEffect(() => {
    if (!keys) return;
    keys.holdWhile(() => awaitsLoad(getState()));
    const unsubscribe = store.subscribe(() => keys.release());
    return () => {
      unsubscribe();
      keys.holdWhile(() => false);
    };
  }, [keys, store, getState]);

  // A view that does not fit whole is not drawn cut: the window is asked to grow instead, and the
  // view stays mounted but hidden and deaf (its question cannot be answered unseen).
  const fits = viewFits(state);
  // An irreversible question counts as asked once its frame is drawn (effects run after Ink wrote
  // it) — and only when the window shows it whole.
  const asked = state.asked;
  useEffect(() => {
    if (asked && asked.shownAt === null && fits) dispatch({ type: 'question-shown', id: asked.id, at: inputClock.now() });
  }, [asked, dispatch, fits]);

  // After the first frame (effects run after it is drawn): the reducer asks for what it lacks.
  // Unmounted, the wizard starts nothing more (a pause the reducer asked for may still end).
  useEffect(() => {
    dispatch({ type: 'start' });
    return () => store.setRunner(() => undefined);
  }, [store]);
  useEffect(() => {
    const t = setInterval(() => dispatch({ type: 'tick', now: services.now().toISOString() }), TICK_MS);
    return () => clearInterval(t);
  }, [services]);
  useEffect(() => {
    const onResize = () => dispatch({ type: 'resize', rows: stdout.rows || 24, columns: stdout.columns || 80 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  // Global keys. Ctrl+C always exits; letters are commands only when no text field has the keyboard.
  const onGlobalKey = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      const c = commandFor(input, key);
      // The reducer decides what Ctrl+C means now (a card generation must not end half-told).
      if (c === 'interrupt') return dispatch({ type: 'interrupt' });
      // F1 cannot be typed into a field (a PIN, a path): help from anywhere.
      const raw = keys?.current()?.key;
      if (raw && isHelpKey(raw)) return dispatch({ type: 'toggle-help' });
      // The latest state, not this render's: a key typed right after `/` belongs to the filter.
      const state = getState();
      if (isTyping(state)) return;
      if (c === 'help') dispatch({ type: 'toggle-help' });
      else if (state.help && (c === 'back' || c === 'confirm')) dispatch({ type: 'toggle-help' });
      else if (state.help && (c === 'up' || c === 'down')) dispatch({ type: 'move', delta: c === 'up' ? -1 : 1 });
      else if (state.help && (c === 'page-up' || c === 'page-down')) dispatch({ type: 'move', delta: (c === 'page-up' ? -1 : 1) * Math.max(1, state.rows - CHROME_ROWS - 6) });
      else if (c === 'quit' && !isBusy(state)) onExit(0);
    },
    [getState, dispatch, onExit, keys],
  );
  useInput(onGlobalKey);

  // Typing into the path or secret field on screen, decided from the latest state: a key that
  // arrives in the same read as the key that opened the field (before the field's widget has
  // mounted) still lands in it. Enter is the field's own (it knows what to submit).
  const onFieldKey = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      const state = getState();
      if (state.help) return; // help over a field (F1) keeps what was typed into it
      const field = textField(state);
      if (field?.kind !== 'secret') secrets.clear();
      if (!field) return;
      const k = fieldKey(input, key);
      if (k?.kind === 'insert') {
        if (field.kind === 'path') dispatch({ type: 'text-input', text: k.text });
        else secrets.append(field.id, k.text);
      } else if (k?.kind === 'erase') {
        if (field.kind === 'path') dispatch({ type: 'text-erase', all: k.all });
        else secrets.erase(field.id, k.all);
      }
    },
    [getState, dispatch, secrets],
  );
  useInput(onFieldKey);

  // The last frame is drawn (React committed it, Ink wrote it) before the wizard exits.
  useEffect(() => {
    if (state.ending) onExit(state.ending.code);
  }, [state.ending, onExit]);

  const bodyHeight = Math.max(1, state.rows - CHROME_ROWS);
  const help = state.help ? helpFor(state) : null;
  return (
    <ServicesContext.Provider value={services}>
      <ColorContext.Provider value={color}>
        <StateContext.Provider value={state}>
          <UiActionsContext.Provider value={ui}>
            <Box flexDirection="column" width={state.columns}>
              {fits ? null : <TooSmall state={state} />}
              <Box display={fits ? 'flex' : 'none'} flexDirection="column">
                <Header simulatedDate={services.simulatedDate ?? false} />
                <Box height={bodyHeight} flexDirection="column" overflowY="hidden">
                  {help ? <HelpOverlay help={help} view={helpWindow(help, state.helpScroll ?? 0, bodyHeight)} width={state.columns - 4} /> : null}
                  {state.ending?.message ? <Text>{state.ending.message}</Text> : null}
                  {/* flexShrink 0: rows keep their height; a too-long view is cut at the bottom, never drawn over itself. */}
                  <Box display={state.help || state.ending?.message ? 'none' : 'flex'} flexDirection="column" flexShrink={0}>
                    <CurrentScreen state={state} isActive={!state.help && fits} />
                    {state.pendingOrder ? <Wrapped text={pendingOrderText(state.pendingOrder)} /> : null}
                  </Box>
                </Box>
                <Footer hints={footerHints(state)} columns={state.columns} />
              </Box>
            </Box>
          </UiActionsContext.Provider>
        </StateContext.Provider>
      </ColorContext.Provider>
    </ServicesContext.Provider>
  );
}
