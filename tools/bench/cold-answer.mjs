// One cold answer in a fresh process: import the deployable bundle, answer one webhook.
// Run by `npm run bench` as: node cold-answer.mjs BUNDLE (the event in BENCH_EVENT).
const startedMs = performance.now();
const { handler } = await import(process.argv[2]);
const importedMs = performance.now();
const result = await handler(JSON.parse(process.env.BENCH_EVENT ?? '{}'));
const answeredMs = performance.now();
process.stdout.write(
  `BENCH ${JSON.stringify({ startMs: startedMs, importMs: importedMs - startedMs, invokeMs: answeredMs - importedMs, status: result.statusCode, body: result.body })}\n`,
);
process.exit(0);
