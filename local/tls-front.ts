/**
 * A TLS front for a local endpoint: DynamoDB in AWS is HTTPS, so a cold start there sets up
 * TLS on its first request, and the SDK's https handler never imports `node:http` (whose ESM
 * facade loads undici on Node.js 24, a cost of the first invocation that only a plain-HTTP local
 * endpoint pays). The bench and `npm run measure -- --local` point the function at this front
 * so its first invocation does what it does in AWS. The certificate is made per run for
 * 127.0.0.1 only; processes trust it through `NODE_EXTRA_CA_CERTS`.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { generate } from 'selfsigned';

export interface TlsFront {
  /** `https://127.0.0.1:port`. */
  endpoint: string;
  /** The certificate's PEM file, for `NODE_EXTRA_CA_CERTS` of a process that calls the front. */
  caFile: string;
  close(): Promise<void>;
}

/** Terminates TLS on a loopback port and forwards the bytes to `127.0.0.1:targetPort`. */
export async function startTlsFront(targetPort: number): Promise<TlsFront> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const folder = mkdtempSync(join(tmpdir(), 'callvoip-tls-'));
  const caFile = join(folder, 'front.pem');
  writeFileSync(caFile, pems.cert);
  const open = new Set<Socket>();
  const server = createServer({ key: pems.private, cert: pems.cert }, (secure) => {
    // Without Nagle's algorithm on either leg: a small request written in parts must not wait
    // for a delayed ACK (tens of ms a request).
    const plain = connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
    secure.setNoDelay(true);
    open.add(secure).add(plain);
    secure.pipe(plain).pipe(secure);
    const end = () => {
      secure.destroy();
      plain.destroy();
      open.delete(secure);
      open.delete(plain);
    };
    for (const socket of [secure, plain]) socket.on('error', end).on('close', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    caFile,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      });
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
