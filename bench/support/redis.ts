/**
 * spec/support/redis-server.ts, outside jest: that module builds a jest `describe` when it loads, so a
 * stand-in is installed first when there is none (the bench never calls it).
 */
const globals = globalThis as unknown as { describe?: unknown };
if (globals.describe === undefined) {
  const none = (): void => undefined;
  globals.describe = Object.assign(none, { skip: none, only: none, each: () => none });
}

// Loaded after the stand-in above: `require` keeps that order (an `import` would be hoisted above it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../../spec/support/redis-server') as typeof import('../../spec/support/redis-server');

export const { RedisServer, redisServerPath } = support;
export type RedisServer = import('../../spec/support/redis-server').RedisServer;
