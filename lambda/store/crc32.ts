/**
 * CRC-32 (IEEE 802.3), as DynamoDB computes the `x-amz-crc32` of a response body. A table of
 * 256 entries, built on first use: cheaper at a cold start than loading `node:zlib` for it.
 */
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    entries[n] = c >>> 0;
  }
  return entries;
}

/** The CRC-32 of `bytes` as an unsigned number. @example crc32(Buffer.from('123456789')) // 0xcbf43926 */
export function crc32(bytes: Uint8Array): number {
  table ??= crcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
