// Where a PIN or passphrase being typed lives: outside the wizard state (never logged, never in an
// event) and outside any widget (keys typed before the field mounts still count). One secret at a
// time; typing for another field, leaving the field, or handing the value over forgets it. A
// passphrase typed twice keeps its first entry here until the second is compared with it.
export interface SecretBuffer {
  /** Characters typed so far for `id` (0 when another field's secret is held). */
  length(id: string): number;
  append(id: string, text: string): void;
  /** The last character, or all of it. */
  erase(id: string, all?: boolean): void;
  /** Hands the value over and forgets it. */
  take(id: string): string;
  /** Keeps a value typed once, to compare with its repetition (a passphrase typed twice). */
  keepFirst(value: string): void;
  /** The kept first value, forgotten as it is handed over ('' when none). */
  takeFirst(): string;
  /** Forgets what is being typed: only if it is `id`'s, when given; without `id` also the kept first value. */
  clear(id?: string): void;
  subscribe(listener: () => void): () => void;
}

export function createSecretBuffer(): SecretBuffer {
  let held: { id: string; value: string } | null = null;
  let first = '';
  const listeners = new Set<() => void>();
  const set = (next: typeof held) => {
    held = next;
    for (const l of listeners) l();
  };
  const valueOf = (id: string) => (held?.id === id ? held.value : '');
  return {
    length: (id) => [...valueOf(id)].length,
    append: (id, text) => set({ id, value: valueOf(id) + text }),
    erase: (id, all = false) => set({ id, value: all ? '' : [...valueOf(id)].slice(0, -1).join('') }),
    take(id) {
      const value = valueOf(id);
      set(null);
      return value;
    },
    keepFirst: (value) => {
      first = value;
    },
    takeFirst() {
      const value = first;
      first = '';
      return value;
    },
    clear: (id) => {
      if (id === undefined) first = '';
      if (held && (id === undefined || held.id === id)) set(null);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
