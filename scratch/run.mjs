process.env.TABLE_NAME='ttt'; process.env.WEBHOOK_TOKEN_SHA256='0'.repeat(64); process.env.AWS_ACCESS_KEY_ID='a'; process.env.AWS_SECRET_ACCESS_KEY='b'; process.env.AWS_ENDPOINT_URL_DYNAMODB='http://127.0.0.1:9';
const m = await import('/tmp/wb/index.mjs');
const r = await m.handler({ version: '2.0', rawPath: '/', rawQueryString: 'token=x', headers: {}, requestContext: { http: { method: 'GET', path: '/', sourceIp: '1.1.1.1' } }, isBase64Encoded: false });
console.log(r);
