// How pure code that renders text takes its words: the caller's translator (src/i18n), passed in.
export type Translate = (key: string, values?: Record<string, unknown>) => string;
