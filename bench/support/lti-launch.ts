/**
 * An LTI 1.1 basic launch as a platform's auto-submitted HTML form posts it: 27 launch parameters (from the
 * IMS LTI 1.1 implementation guide's example launch) and the oauth_ parameters together in a form body that
 * the browser encodes (application/x-www-form-urlencoded: a space as "+"), signed with HMAC-SHA1 by the
 * independent test signer, two-legged. The form path of the protocol: every parameter is in the body.
 */
import type { OAuthRequest, SignatureKeys } from '../../src/core';
import { sign } from '../../spec/support/sign';

export const LTI_LAUNCH_URL = 'https://tool.example.com/lti/launch';

const LAUNCH: [string, string][] = [
  ['lti_message_type', 'basic-lti-launch-request'],
  ['lti_version', 'LTI-1p0'],
  ['resource_link_id', '88391-e1919-bb3456'],
  ['resource_link_title', 'Weekly Blog'],
  ['resource_link_description', 'A weekly blog.'],
  ['user_id', '0ae836b9-7fc9-4060-006f-27b2066ac545'],
  ['user_image', 'https://lms.example.com/images/users/292832126.jpg'],
  ['roles', 'Instructor,urn:lti:instrole:ims/lis/Administrator'],
  ['lis_person_name_given', 'Jane'],
  ['lis_person_name_family', 'Public'],
  ['lis_person_name_full', 'Jane Q. Public'],
  ['lis_person_contact_email_primary', 'user@school.edu'],
  ['lis_person_sourcedid', 'school.edu:user'],
  ['context_id', '456434513'],
  ['context_type', 'CourseSection'],
  ['context_title', 'Design of Personal Environments'],
  ['context_label', 'SI182'],
  ['tool_consumer_info_product_family_code', 'moodle'],
  ['tool_consumer_info_version', '9.1'],
  ['tool_consumer_instance_guid', 'lmsng.school.edu'],
  ['tool_consumer_instance_description', 'University of School (LMSng)'],
  ['launch_presentation_locale', 'en-US'],
  ['launch_presentation_document_target', 'iframe'],
  ['launch_presentation_return_url', 'https://lms.example.com/portal/123/page/988/'],
  ['lis_outcome_service_url', 'https://lms.example.com/grade/outcomes'],
  ['lis_result_sourcedid', '83873872987329873264783687634'],
  ['custom_keyname', 'value'],
];

export const LTI_CONSUMER = { consumerKey: 'lti-consumer', consumerSecret: 'lti-consumer-secret' };

export interface LtiLaunch {
  request: OAuthRequest;
  keys: SignatureKeys;
  baseString: string;
}

/** The launch signed at `timestamp` (seconds), as `verifySignature` reads it, with its keys and base string. */
export function ltiLaunch(timestamp = Math.floor(Date.now() / 1000)): LtiLaunch {
  const signed = sign({
    method: 'POST',
    url: LTI_LAUNCH_URL,
    form: LAUNCH,
    who: { ...LTI_CONSUMER, token: '', tokenSecret: '' },
    oauth: { oauth_token: undefined },
    timestamp,
  });
  const form = new URLSearchParams([...LAUNCH, ...signed.oauth]).toString();
  return {
    request: {
      method: 'POST',
      uri: LTI_LAUNCH_URL,
      secure: true,
      authorization: undefined,
      query: '',
      form,
      body: Buffer.from(form),
    },
    keys: { clientSecret: LTI_CONSUMER.consumerSecret, tokenSecret: '' },
    baseString: signed.baseString,
  };
}

/**
 * `count` launches, each with its own nonce, and a function answering them in turn: a benchmark that verified one
 * body over and over would time what no server sees twice (the library remembers the last form body it read).
 */
export function ltiLaunches(count = 16): { launches: LtiLaunch[]; next: () => LtiLaunch } {
  const launches = Array.from({ length: count }, () => ltiLaunch());
  let i = 0;
  return { launches, next: () => launches[i++ % count] };
}
