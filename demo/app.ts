/**
 * The demo API (see the README's "demo contract"), on routing-controllers' Koa driver or, with
 * DEMO_DRIVER=express, its Express driver: the same controllers, protector and answers. Built here, started
 * by main.ts, used by the tests.
 */
import 'reflect-metadata';
import type { Express } from 'express';
import type Koa from 'koa';
import { useContainer, type RoutingControllersOptions } from 'routing-controllers';
import { Container } from 'typedi';
import { ResourceProtector } from '../src';
import { expressDemo } from './express-app';
import { koaDemo } from './koa-app';
import { createDemoProtector, type DemoProtector, type DemoProtectorConfig } from './protector';
import { ROUTING_OPTIONS } from './routing';

export type Driver = 'koa' | 'express';

export interface DemoConfig extends DemoProtectorConfig {
  port: number;
  /** routing-controllers' driver (DEMO_DRIVER); Koa by default. */
  driver?: Driver;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host (TRUST_PROXY=1). */
  trustProxy: boolean;
}

export function demoConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const driver = env.DEMO_DRIVER || 'koa';
  if (driver !== 'koa' && driver !== 'express') throw new Error(`DEMO_DRIVER must be koa or express, not ${driver}`);
  // ${PORT:-3000}: an empty PORT is no port; 0 asks the system for a free one.
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  return {
    port,
    driver,
    insecureTransport: env.OAUTH1_INSECURE_TRANSPORT !== '0',
    trustProxy: env.TRUST_PROXY === '1',
    redisUrl: redisUrlOf(env.REDIS_URL),
  };
}

/**
 * REDIS_URL as ioredis takes it (a redis:// or rediss:// URL, or a unix socket's absolute path), or a start-up
 * error: ioredis reads any other text as a host (`notaurl`, `http://host`), which would start a demo whose every
 * guarded request is a 503. The value is not echoed: it may hold a password.
 */
function redisUrlOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // A socket's absolute path; `//host` is no path to ioredis, which reads it as a host.
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '')
    throw new Error("REDIS_URL must be a redis:// or rediss:// URL with a host, or a unix socket's absolute path");
  return value;
}

export type DemoApp = DemoProtector & ({ driver: 'koa'; app: Koa } | { driver: 'express'; app: Express });

/** The demo's app; `routing` adds to the demo's controllers only in the bench (bench/support/demo-floor.ts). */
export function createDemoApp(config: DemoConfig, routing: RoutingControllersOptions = ROUTING_OPTIONS): DemoApp {
  const demo = createDemoProtector(config);
  useContainer(Container);
  Container.set(ResourceProtector, demo.protector);
  return config.driver === 'express'
    ? { ...demo, driver: 'express', app: expressDemo(demo.protector, config.trustProxy, routing) }
    : { ...demo, driver: 'koa', app: koaDemo(demo.protector, config.trustProxy, routing) };
}
