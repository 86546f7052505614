// The least a function can do under the runtime interface client: the floor of its own cost.
export const handler = async () => ({ statusCode: 200, body: 'hello' });
