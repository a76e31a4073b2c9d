/**
 * The demo's OpenAPI document at GET /openapi.json: every route guarded by `@RequireOAuth()` carries the
 * `OAuth` security requirement (with its scopes), from the decorators alone.
 */
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { Get, getMetadataArgsStorage, JsonController, type RoutingControllersOptions } from 'routing-controllers';
import { Service } from 'typedi';
import { oauthSpec, type OpenAPIDocument } from '../src/openapi/oauth-security';
import { LtiController } from './controllers/lti.controller';
import { MeController } from './controllers/me.controller';
import { NotesController } from './controllers/notes.controller';
import { PublicController } from './controllers/public.controller';
import { UsersController } from './controllers/users.controller';
import { version } from '../package.json';

/** The demo's API controllers: the ones app.ts mounts besides this one, and the ones documented. */
export const API_CONTROLLERS: Function[] = [
  PublicController,
  MeController,
  NotesController,
  UsersController,
  LtiController,
];

let spec: OpenAPIDocument | undefined;

/** The demo's OpenAPI document, built on first use. */
export function demoOpenApiSpec(): OpenAPIDocument {
  const options: RoutingControllersOptions = { controllers: [...API_CONTROLLERS, OpenApiController] };
  return (spec ??= oauthSpec(getMetadataArgsStorage(), options, {
    // 3.1: scopes in a requirement for an HTTP scheme (DELETE /api/notes/{id}) are role names there, where
    // OpenAPI 3.0 wants them empty. Nothing else in this document differs between the two.
    openapi: '3.1.0',
    info: {
      title: 'routing-controllers-oauth1 demo',
      version,
      description: 'A small API protected by OAuth 1.0a (RFC 5849) with routing-controllers-oauth1.',
    },
    // The request bodies' class-validator DTOs (NoteDto, LtiLaunchDto), which the operations refer to.
    components: { schemas: validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }) },
  }));
}

@Service()
@JsonController()
export class OpenApiController {
  @Get('/openapi.json')
  openapi() {
    return demoOpenApiSpec();
  }
}
