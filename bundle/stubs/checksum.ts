/**
 * Stands in for `@smithy/core/checksum` in the Lambda bundle (an esbuild alias in
 * `bundle/options.ts`). DynamoDB's runtime config takes only `Sha256` from it (for SigV4
 * signing); the real module also carries a pure-JS SHA-256 fallback for runtimes without
 * `node:crypto`, CRC32 (JS and `node:zlib`, for event streams), MD5 and blob hashers, and
 * loads `node:zlib`. This is the real module's `Sha256Node`, without the fallback. Any other
 * import of the module fails the build (no such export), so nothing breaks silently.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toKey(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export class Sha256 {
  readonly digestLength = 32;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  update(data: Uint8Array | string): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    let buffer: Buffer;
    if (this.secret) {
      this.finished = true;
      buffer = this.hash.digest();
    } else {
      buffer = (this.hash as Hash).copy().digest();
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.secret ? createHmac('sha256', toKey(this.secret)) : createHash('sha256');
  }
}
