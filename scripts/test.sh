#!/usr/bin/env bash
# Every test, from a fresh Debian machine with Node: installs the system tools the tests use
# (SoftHSM2 as the card, OpenSC's pkcs11-tool, openssl with its pkcs11 engine and GnuTLS's p11tool
# as outside checkers, p11-kit's server and client module for the remote card, tmux as the
# terminal, sqlite3, xmllint (libxml2-utils) for the Certum schema check, PostgreSQL (a throw-away cluster for the store's contract), a C compiler with p11-kit's pkcs11.h for the PIN shim in test/pkcs11-shim,
# and Pebble, certbot and lego for the ACME portal),
# then type-checks, builds and runs the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v softhsm2-util >/dev/null || need+=(softhsm2)
command -v pkcs11-tool >/dev/null || need+=(opensc)
command -v openssl >/dev/null || need+=(openssl)
command -v tmux >/dev/null || need+=(tmux)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
command -v sqlite3 >/dev/null || need+=(sqlite3)
# xmllint checks the SOAP requests sent to the Certum double against the WSDL's schema.
command -v xmllint >/dev/null || need+=(libxml2-utils)
# The store's contract also runs against a throw-away PostgreSQL cluster (test/helpers/postgres.ts).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v p11tool >/dev/null || need+=(gnutls-bin)
command -v p11-kit >/dev/null || need+=(p11-kit)
compgen -G '/usr/lib/*/pkcs11/p11-kit-client.so' >/dev/null || need+=(p11-kit-modules)
compgen -G '/usr/lib/*/engines-3/pkcs11.so' >/dev/null || need+=(libengine-pkcs11-openssl)
{ command -v cc && command -v make; } >/dev/null || need+=(build-essential)
[ -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ] || need+=(libp11-kit-dev)
# The ACME portal's tests run a real ACME CA (Pebble, with pebble-challtestsrv as its DNS) and
# compare with the reference clients certbot and lego (test/helpers/pebble.ts, acme-clients.ts).
{ command -v pebble && command -v pebble-challtestsrv; } >/dev/null || need+=(pebble)
command -v certbot >/dev/null || need+=(certbot)
command -v lego >/dev/null || need+=(lego)
if ((${#need[@]})); then
  echo "Installing test tools: ${need[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A checkout without dependencies (or with unbuilt native addons) gets a clean install first.
if [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ] || [ ! -f node_modules/pkcs11js/build/Release/pkcs11.node ] || [ ! -d node_modules/pg ]; then
  npm ci
fi

echo "== type-check"
npx tsc --noEmit -p tsconfig.json
echo "== build"
node scripts/build.mjs
echo "== tests"
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One plain closing line that any CI reads the same way.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
rm -f "$results"
exit "$status"
