/**
 * Stands in for `@aws/lambda-invoke-store` in the Lambda bundle (an esbuild alias in
 * `bundle/options.ts`). Its only user is the SDK's recursion-detection middleware, which asks
 * for the store's X-Ray trace id and W3C trace context and falls back to `_X_AMZN_TRACE_ID`.
 * The real module returns the Lambda runtime's store (`globalThis.awslambda.InvokeStore`)
 * when the runtime registered one, and otherwise an empty store of its own that answers
 * `undefined`; this returns the runtime's store or `undefined`, so the headers sent are the
 * same, without the real module's classes and its import-time write to `globalThis`.
 */
interface RuntimeInvokeStore {
  getXRayTraceId(): string | undefined;
  getTraceparent?(): string | undefined;
  getTracestate?(): string | undefined;
  getBaggage?(): string | undefined;
}

const runtime = globalThis as { awslambda?: { InvokeStore?: RuntimeInvokeStore } };

export const InvokeStore = {
  getInstanceAsync: async (): Promise<RuntimeInvokeStore | undefined> => runtime.awslambda?.InvokeStore,
};
