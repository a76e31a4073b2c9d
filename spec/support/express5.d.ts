/** Express 5, installed beside Express 4 under the alias `express5` (package.json): the same API for the tests. */
declare module 'express5' {
  import express from 'express';
  export = express;
}
