// The licensing server's public surface, for `npm run server`, the desktop's embedded
// server and tests: build a server, make sure the demo organisation exists, verify a
// lease, read the default prices. Wiring only; nothing is implemented here.
export { configFromEnv, defaultDataDir } from './config';
export type { DatabaseConfig } from './db/database';
export { keyIdOf, publicKeyFromString, verifyLease } from './lease-signature';
export { DEMO_ORG } from './orgs';
export { type Period, periodAt } from './periods';
export { DEFAULT_PRICE_LIST, DEFAULT_PRICES, effectivePrices, isKnownAction } from './prices';
export {
  createServer,
  DEFAULT_RATE_LIMIT,
  type Licensing,
  type LicensingServer,
  type LicensingServerOptions,
  type LogLevel,
} from './server';
