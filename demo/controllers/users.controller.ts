import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import type { DemoToken } from '../store';

/** Guarded at class level: every action of the controller requires OAuth. */
@Service()
@JsonController('/api/users')
@RequireOAuth()
export class UsersController {
  @Get('/me')
  me(@Credential() credential: DemoToken) {
    return { user: credential.user };
  }
}
