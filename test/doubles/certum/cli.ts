// The Certum double as its own process, for end-to-end tests and walkthroughs that want it
// outside the test runner: starts on 127.0.0.1 (a free port unless --port N; --wsdl FILE the
// WSDL to serve, --delay-ms N slow mode from the start, --tls HTTPS), prints ONE line of
// JSON (url, wsdlUrl, controlUrl, caPem, users, orders) and serves until SIGTERM/SIGINT.
// Steer it over HTTP at controlUrl: POST behaviour, POST clock, GET requests, GET info.
// Run through spawnCertumDouble() (spawn.ts), which bundles this file first.
import { describeDouble, startCertumDouble } from './double.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = flag('--port');
const delayMs = flag('--delay-ms');
const double = await startCertumDouble({
  control: true,
  // Bundled into a temp folder, this file cannot find the WSDL relative to itself: it is told.
  wsdlPath: flag('--wsdl'),
  tls: process.argv.includes('--tls'),
  port: port ? Number(port) : 0,
  behaviour: delayMs ? { delayMs: Number(delayMs) } : {},
});
process.stdout.write(`${JSON.stringify(describeDouble(double))}\n`);
const stop = () => void double.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
