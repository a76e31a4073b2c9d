// multer 2 and @koa/multer 3 ship no types: what the specs use of them (memory storage, one file field).
declare module 'multer' {
  import type { RequestHandler } from 'express';
  function multer(options?: object): { single(field: string): RequestHandler };
  export = multer;
}

declare module '@koa/multer' {
  import type { Middleware } from 'koa';
  function multer(options?: object): { single(field: string): Middleware };
  export = multer;
}
