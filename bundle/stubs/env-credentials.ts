/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundle (an esbuild alias
 * in `bundle/options.ts`). Lambda always puts the function role's credentials in the
 * environment, so the default chain's SSO, INI, process, web-identity and login providers
 * (and the STS/SSO clients they pull in) are dead weight on the cold start.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/** The SDK clients call this with their own configuration; only `logger` matters to `fromEnv`. */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
