import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import type { DemoToken } from '../store';

@Service()
@JsonController('/api')
export class MeController {
  @Get('/me')
  @RequireOAuth()
  me(@Credential() credential: DemoToken) {
    return { user: credential.user, client_id: credential.clientId };
  }
}
