import { getFromContainer } from 'routing-controllers';
import type { Token } from 'typedi';
import type { ResourceProtector } from '../protector/resource-protector';

/** A protector as a decorator names it: by class (`ResourceProtector` or a subclass) or typedi `Token`. */
export type ProtectorKey = (abstract new (...args: never[]) => ResourceProtector) | Token<ResourceProtector>;

/**
 * routing-controllers' `getFromContainer`, read from its exports once: its CommonJS index re-exports each name
 * through a getter, which a compiled call would run on every guarded request (docs/decisions.md).
 */
const fromContainer = getFromContainer;

/**
 * The protector registered under `key` in the container routing-controllers uses, looked up on each request: the
 * one registered at that time is the one used.
 */
export const registeredProtector = (key: ProtectorKey): ResourceProtector =>
  fromContainer<ResourceProtector>(key as Function);
