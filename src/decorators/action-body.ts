/**
 * What an action binds its body to, from routing-controllers' parameter metadata (`getMetadataArgsStorage`,
 * its public registry): a class DTO (`@Body() note: NoteDto`) or a named field (`@BodyParam('text')`) needs a
 * JSON object. routing-controllers would hand a `null` body to the action (a 500 when it reads a field) and
 * skip the DTO's validation for `1`, `true` or `[]`; the guard refuses those instead (400). An untyped body
 * (`any`, `unknown`: `Object` to the metadata) must not be a JSON string, which routing-controllers would
 * parse a second time, handing the action something that was never sent.
 */
import { getMetadataArgsStorage } from 'routing-controllers';
import type { BodyShape } from '../http/body-value';

/** Types that are not DTOs: routing-controllers neither transforms nor validates a body bound to them. */
const PLAIN_TYPES: readonly unknown[] = [Object, Array, String, Number, Boolean, Date, Buffer, Promise];

type Reflector = { getMetadata?(key: string, target: object, property: string): unknown };

/** The parameter decorators of one action, as routing-controllers registered them. */
const paramsOf = (controller: Function, method: string) =>
  getMetadataArgsStorage().params.filter((param) => param.object.constructor === controller && param.method === method);

export function bodyShapeOf(controller: Function, method: string): BodyShape {
  let shape: BodyShape = 'any';
  for (const param of paramsOf(controller, method)) {
    if (param.type === 'body-param') return 'object';
    if (param.type !== 'body') continue;
    const reflected = (Reflect as Reflector).getMetadata?.('design:paramtypes', controller.prototype, method);
    const type: unknown = param.explicitType ?? (reflected as unknown[] | undefined)?.[param.index];
    if (typeof type === 'function' && !PLAIN_TYPES.includes(type)) return 'object';
    if (type === Object || type === undefined) shape = 'non-string';
  }
  return shape;
}

/**
 * A guarded action cannot take an upload (`@UploadedFile()`, `@UploadedFiles()`): the guard reads the request's stream
 * to verify its body, and the upload parser (multer) would find it used up after the request was accepted and its
 * nonce recorded, a 500 then. A TypeError where the action's guard is bound, before any verification, says so.
 */
export function checkNoUploads(controller: Function, method: string): void {
  for (const param of paramsOf(controller, method)) {
    if (param.type === 'file' || param.type === 'files') {
      throw new TypeError(
        `routing-controllers-oauth1: ${controller.name}.${method} takes an upload, which a guarded action cannot: ` +
          'the guard reads the body to verify it. Send the file as the body, signed with its oauth_body_hash.',
      );
    }
  }
}
