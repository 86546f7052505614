const t0 = performance.now();
const what = process.argv[2];
if (what === 'builtins') { await import('node:https'); await import('node:crypto'); await import('node:net'); await import('node:http'); }
if (what === 'bundle') { process.env.TABLE_NAME='ttt'; process.env.WEBHOOK_TOKEN_SHA256='0'.repeat(64); process.env.AWS_ACCESS_KEY_ID='a'; process.env.AWS_SECRET_ACCESS_KEY='b'; await import(process.argv[3]); }
console.log((performance.now() - t0).toFixed(1));
