import type { RoutingControllersOptions } from 'routing-controllers';
import { API_CONTROLLERS, OpenApiController } from './openapi';

/** routing-controllers' options, the same on both drivers. */
export const ROUTING_OPTIONS: RoutingControllersOptions = {
  controllers: [...API_CONTROLLERS, OpenApiController],
  // Production error mode: no stack traces or file paths in error bodies, whatever NODE_ENV says.
  development: false,
  // Validation errors name the field and the rule, never the value sent (nor the whole object).
  validation: { validationError: { target: false, value: false } },
  classTransformer: true,
};
