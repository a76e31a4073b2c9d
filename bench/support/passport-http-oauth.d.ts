/** The parts of passport and passport-http-oauth (which ship no types) that the bench's peer uses. */
declare module 'passport' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  interface Passport {
    use(strategy: unknown): this;
    initialize(): Handler;
    authenticate(name: string, options: { session: boolean }): Handler;
  }
  export type { Handler };
  const passport: Passport & { Passport: new () => Passport };
  export default passport;
}

declare module 'passport-http-oauth' {
  type Done<A extends unknown[]> = (error: unknown, ...values: A) => void;
  export class TokenStrategy {
    constructor(
      options: { realm?: string },
      consumer: (consumerKey: string, done: Done<[consumer: unknown, consumerSecret?: string]>) => void,
      verify: (accessToken: string, done: Done<[user: unknown, tokenSecret?: string]>) => void,
      validate?: (timestamp: string, nonce: string, done: Done<[valid: boolean]>) => void,
    );
  }
}
