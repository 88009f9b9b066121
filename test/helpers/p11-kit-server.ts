// `p11-kit server` sharing one token of a PKCS#11 module over a unix socket, as an operator shares
// a card from a laptop; clients reach it with P11_KIT_SERVER_ADDRESS and p11-kit's client module.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface P11KitServer {
  /** The value for P11_KIT_SERVER_ADDRESS. */
  address: string;
  stop(): void;
}

/** Starts the server in `dir` (the socket goes there) and waits for its socket. */
export async function startP11KitServer(opts: { module: string; token: string; env: NodeJS.ProcessEnv; dir: string }): Promise<P11KitServer> {
  const socket = join(opts.dir, 'p11-kit.sock');
  const server = spawn('p11-kit', ['server', '-f', '--provider', opts.module, '-n', socket, `pkcs11:token=${opts.token}`], { env: opts.env, stdio: 'ignore' });
  const until = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (Date.now() > until) {
      server.kill();
      throw new Error('p11-kit server did not create its socket');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { address: `unix:path=${socket}`, stop: () => void server.kill() };
}
