// The floor of a cold answer in a plain process: node raw-request.mjs ENDPOINT TABLE.
import { rawUpdateItem } from './raw-update.mjs';

const [endpoint, table] = process.argv.slice(2);
const status = await rawUpdateItem(endpoint, table);
process.stdout.write(`BENCH ${JSON.stringify({ status, answeredMs: performance.now() })}\n`);
process.exit(status === 200 ? 0 : 1);
