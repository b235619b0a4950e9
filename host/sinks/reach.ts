// SPDX-License-Identifier: Apache-2.0
import * as net from 'net';

/** For `validate --check-connect`: undefined if a TCP connection to host:port opens within `ms`, else why not. */
export function reach(host: string, port: number, ms: number, what: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: ms });
    s.once('connect', () => { s.destroy(); resolve(undefined); });
    s.once('timeout', () => { s.destroy(); resolve(`${what}: no answer within ${ms}ms`); });
    s.once('error', (e) => resolve(`${what}: ${e.message}`));
  });
}
