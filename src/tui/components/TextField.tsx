// Text fields that never lose a key. Their text lives where every key can build on the latest
// value: in the wizard state (paths) or in the secret buffer (PIN, passphrase). App routes typed
// keys there by the state (see textField in selectors.ts); a field shows the text and submits it.
import { Text, useInput, type Key } from 'ink';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { SecretId } from '../../wizard/selectors.js';
import { useUiActions } from '../context.js';

/** The value as shown: masked when asked, with a block cursor at the end while it has the keyboard. */
export function FieldText({ value, mask, focus }: { value: string; mask?: string; focus: boolean }) {
  const shown = mask ? mask.repeat([...value].length) : value;
  return (
    <Text>
      {shown}
      {focus ? <Text inverse> </Text> : null}
    </Text>
  );
}

/** Calls the latest `onSubmit` on Enter while `isActive`. */
function useEnter(onSubmit: () => void, isActive: boolean): void {
  const ref = useRef(onSubmit);
  ref.current = onSubmit;
  const onInput = useCallback((_input: string, key: Key) => {
    if (key.return) ref.current();
  }, []);
  useInput(onInput, { isActive });
}

/** A path field: its text is in the wizard state; Enter submits (read the latest state there). */
export function StateField(props: { value: string; isActive: boolean; onSubmit: () => void }) {
  useEnter(props.onSubmit, props.isActive);
  return <FieldText value={props.value} focus={props.isActive} />;
}

/** A masked field for a PIN or passphrase: shows one "*" per character; Enter hands the value over. */
export function SecretField(props: { id: SecretId; isActive: boolean; onSubmit: (value: string) => void }) {
  const { secrets } = useUiActions();
  const length = useSyncExternalStore(secrets.subscribe, () => secrets.length(props.id));
  useEnter(() => props.onSubmit(secrets.take(props.id)), props.isActive);
  // Leaving the field forgets what was typed into it (not what the next field already holds).
  useEffect(() => () => secrets.clear(props.id), [secrets, props.id]);
  return <FieldText value={'*'.repeat(length)} focus={props.isActive} />;
}
