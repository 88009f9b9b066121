// The part of `debug` (soap's logger, bundled with it) this portal uses: switching a namespace off.
declare module 'debug' {
  const createDebug: {
    /** Turns every namespace off; returns the ones that were on (skips as "-name"). */
    disable(): string;
    enable(namespaces: string): void;
  };
  export default createDebug;
}
