/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundle (an esbuild alias in
 * `bundle/options.ts`). `HttpProtocol` imports it dynamically, and only to (de)serialize an
 * event-stream operation; DynamoDB has none, so the real module (codec, marshallers, CRC32
 * and its `node:zlib` import) is never run. Should it ever be, this fails loudly.
 */
const unsupported = (): never => {
  throw new Error('event streams are not bundled: DynamoDB has no event-stream operation (bundle/stubs)');
};

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}

export const eventStreamSerdeProvider = unsupported;
