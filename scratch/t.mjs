const t0 = performance.now();
const what = process.argv[2];
if (what === 'crypto') await import('node:crypto');
if (what === 'https') await import('node:https');
if (what === 'intl') new Intl.DateTimeFormat('en-US',{timeZone:'Europe/Amsterdam',hourCycle:'h23',year:'numeric',month:'numeric',day:'numeric',hour:'numeric',minute:'numeric',second:'numeric'}).formatToParts(new Date());
if (what === 'net') await import('node:net');
if (what === 'require') { const {createRequire}=await import('node:module'); const r=createRequire(import.meta.url); r('url'); r('querystring'); }
if (what === 'hash') { const c = await import('node:crypto'); c.createHash('sha256').update('x').digest(); c.createHmac('sha256','k').update('x').digest(); }
if (what === 'bundle') { process.env.TABLE_NAME='ttt'; process.env.WEBHOOK_TOKEN_SHA256='0'.repeat(64); process.env.AWS_ACCESS_KEY_ID='a'; process.env.AWS_SECRET_ACCESS_KEY='b'; await import('/tmp/wb/index.mjs'); }
console.log(what, (performance.now() - t0).toFixed(1));
