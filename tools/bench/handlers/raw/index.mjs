// The floor of a cold answer under the runtime interface client: one raw UpdateItem, no SDK.
import { rawUpdateItem } from '../../raw-update.mjs';

export const handler = async () => {
  const status = await rawUpdateItem(process.env.BENCH_ENDPOINT, process.env.BENCH_TABLE);
  return { statusCode: status, body: 'raw' };
};
