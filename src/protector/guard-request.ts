/**
 * One guarded request, from the adapter's hands to what the application may read: read once (head, then
 * body), the JSON body checked, verified, the route's access rules applied. Each outcome is audited, a refused
 * signature explained when `debugSignatures` is on, and every refusal carries its response.
 */
import { bodyValue, parseJsonBody, type BodyShape } from '../http/body-value';
import { flatParameters, type FlatParameters } from '../http/flat-parameters';
import { oauthRequestOf, type HttpRequest } from '../http/http-request';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { diagnosisOf } from '../rfc5849/diagnosis';
import { MissingCredentialsError, OAuthError, TemporarilyUnavailableError } from '../rfc5849/errors';
import { andThen, recover, type MaybePromise } from '../rfc5849/maybe-promise';
import type { OAuthRequest, VerifiedRequest } from '../rfc5849/verify-request';
import { accessRequest, type AccessRequest } from './access';
import { readRequest, type AdapterRequest } from './adapter-request';
import { reportAudit, reportSignature, type AuditEvent, type DebugSignatures } from './audit';
import { errorResponse } from './error-response';
import { withResponse, type RenderRefusal } from './refusal';
import type { RouteOptions } from './route-options';
import type { Settings } from './settings';
import { signatureHints } from './signature-hints';

/** A verified request with the reading it was verified from: what the guard hands the application. */
export type GuardedRequest<C extends Client = Client, T extends TokenCredential = TokenCredential> = VerifiedRequest<
  C,
  T
> & {
  /** The request as read once: the application reads this, never a second parse. */
  request: HttpRequest;
  /** The verified query parameters, flat: the record; the framework's query is a copy (`frameworkQuery`). */
  query: FlatParameters;
  /** The body the application gets: the verified form parameters, flat; parsed JSON; or `{}`. */
  body: unknown;
};

/**
 * The query the framework's request gets (`ctx.query`, `req.query`): the verified parameters, flat, in an object of its
 * own, so that what the framework does to it leaves the record as verified. routing-controllers converts the fields of
 * a `@QueryParams()` class in place (a `page: number` field's "2" becomes 2, an `object` field's text is parsed as JSON).
 */
export const frameworkQuery = (guarded: GuardedRequest): FlatParameters => flatParameters(guarded.parameters.query);

/** What the guard needs of its protector. */
export interface GuardContext<C extends Client, T extends TokenCredential> {
  settings: Readonly<Settings>;
  audit?: (event: AuditEvent) => void;
  debugSignatures?: DebugSignatures;
  renderRefusal?: RenderRefusal;
  verify(request: OAuthRequest, route: RouteOptions): MaybePromise<VerifiedRequest<C, T>>;
  checkAccess(verified: VerifiedRequest<C, T>, route: RouteOptions, request: AccessRequest): MaybePromise<void>;
}

/**
 * The guarded request, or undefined on an `optional` route for a request without OAuth credentials; a
 * refusal is thrown (rejected) as an `OAuthError` with its response attached (src/protector/refusal.ts).
 */
export function guardRequest<C extends Client, T extends TokenCredential>(
  context: GuardContext<C, T>,
  exchange: AdapterRequest,
  route: RouteOptions,
  bodyShape: BodyShape,
): MaybePromise<GuardedRequest<C, T> | undefined> {
  let request: HttpRequest | undefined;
  const guarded = () =>
    andThen(readRequest(exchange, context.settings.limits.body, route.optional === true), (read) => {
      request = read;
      const json = parseJsonBody(read, bodyShape, context.settings.limits.jsonDepth);
      return andThen(context.verify(oauthRequestOf(read, context.settings.publicBase), route), (verified) => {
        const query = flatParameters(verified.parameters.query);
        return andThen(context.checkAccess(verified, route, accessRequest(read, exchange.params, query)), () => {
          const { clientId, token, signatureMethod } = verified;
          if (context.audit) {
            reportAudit(context.audit, () =>
              auditEvent(exchange, 'accepted', 200, { clientId, token, signatureMethod }),
            );
          }
          // Written out: on Node 20, `{ ...verified, request, query, body }` costs microseconds (docs/decisions.md).
          return {
            client: verified.client,
            credential: verified.credential,
            clientId,
            token,
            signatureMethod,
            timestamp: verified.timestamp,
            nonce: verified.nonce,
            parameters: verified.parameters,
            request: read,
            query,
            body: bodyValue(verified.parameters.form, json),
          };
        });
      });
    });
  return recover(guarded, (error): undefined => {
    if (!(error instanceof OAuthError)) throw error;
    if (route.optional && error instanceof MissingCredentialsError) return undefined; // anonymous, by choice
    throw reportRefusal(context, exchange, route, error, request);
  });
}

/**
 * A refusal of the guard's, or of a checker's access rules after a guard accepted: audited, its signature explained
 * when asked, and given its response (the contract's, or the application's `renderRefusal`).
 */
export function reportRefusal<C extends Client, T extends TokenCredential>(
  context: GuardContext<C, T>,
  exchange: AdapterRequest,
  route: RouteOptions,
  error: OAuthError,
  read: HttpRequest | undefined,
): OAuthError {
  const { status, code, clientId, token } = error;
  reportAudit(context.audit, () => {
    const event = auditEvent(exchange, 'refused', status, { error: code, clientId, token });
    if (error instanceof TemporarilyUnavailableError) event.cause = error.cause; // the server's fault, for its logs
    return event;
  });
  const diagnosis = diagnosisOf(error);
  if (diagnosis && read) {
    reportSignature(context.debugSignatures, () => {
      const report = diagnosis();
      return { ...report, hints: signatureHints(read, report) };
    });
  }
  const response = errorResponse(error, route.realm ?? context.settings.realm);
  return withResponse({ error, response, request: read }, context.renderRefusal);
}

/** The audit event of one outcome. */
function auditEvent(
  exchange: AdapterRequest,
  outcome: AuditEvent['outcome'],
  status: number,
  who: Pick<AuditEvent, 'error' | 'clientId' | 'token' | 'signatureMethod'>,
): AuditEvent {
  const { req, target } = exchange;
  const event: AuditEvent = { outcome, status, method: req.method ?? 'GET', path: target.split('?', 1)[0] };
  return Object.assign(event, who);
}
