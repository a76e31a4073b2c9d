import { Body, JsonController, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import type { DemoClient } from '../store';
import { LtiLaunchDto } from './lti-launch.dto';

/**
 * An LTI 1.1 tool launch: the learning platform (the consumer) form-POSTs the launch, signed with
 * HMAC-SHA1 by its consumer key and secret alone, with no token (two-legged OAuth).
 */
@Service()
@JsonController('/lti')
export class LtiController {
  @Post('/launch')
  @RequireOAuth({ twoLegged: true, signatureMethods: ['HMAC-SHA1'] })
  launch(@Credential() consumer: DemoClient, @Body() launch: LtiLaunchDto) {
    return {
      consumer: consumer.clientId,
      resource_link_id: launch.resource_link_id,
      user_id: launch.user_id ?? null,
      roles: launch.roles?.split(',') ?? [],
    };
  }
}
