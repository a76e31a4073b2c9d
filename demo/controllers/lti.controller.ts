import { Body, JsonController, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import { DemoClient } from '../store';
import { LtiLaunchDto } from './lti-launch.dto';

/** The consumers that may launch the tool: the API's other clients sign for their own users, not for a course's. */
const LTI_CONSUMERS: ReadonlySet<string> = new Set(['lti-consumer']);

/**
 * An LTI 1.1 tool launch: the learning platform (the consumer) form-POSTs the launch, signed with
 * HMAC-SHA1 by its consumer key and secret alone, with no token (two-legged OAuth). Only a launch consumer's,
 * without a token, is accepted (403 `access_denied` otherwise): any client of the API could otherwise post a launch
 * naming any user and role.
 */
@Service()
@JsonController('/lti')
export class LtiController {
  @Post('/launch')
  @RequireOAuth({
    twoLegged: true,
    signatureMethods: ['HMAC-SHA1'],
    authorize: (credential) => credential instanceof DemoClient && LTI_CONSUMERS.has(credential.clientId),
  })
  launch(@Credential() consumer: DemoClient, @Body() launch: LtiLaunchDto) {
    return {
      consumer: consumer.clientId,
      resource_link_id: launch.resource_link_id,
      user_id: launch.user_id ?? null,
      roles: launch.roles?.split(',') ?? [],
    };
  }
}
