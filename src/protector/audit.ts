/**
 * What a protector tells the application about each request it guards: an audit event per outcome, and,
 * in development, the diagnosis of a refused signature. Neither can change an answer: whatever a hook
 * throws is ignored.
 */
import { formatSignatureReport, type SignatureReport } from '../rfc5849/diagnosis';
import { isPromiseLike } from '../rfc5849/maybe-promise';

/** One verification outcome, for audit logs and metrics. Never carries a secret or a signature of the request's. */
export interface AuditEvent {
  outcome: 'accepted' | 'refused';
  /** HTTP status of the answer: 200 when accepted (the action may still answer otherwise). */
  status: number;
  /** The OAuth `error` code of a refusal. */
  error?: string;
  method: string;
  path: string;
  /**
   * Consumer key and token as the request claimed them (verified only when accepted); on a refusal, only a value that
   * could be one (at most `limits.credentialLength` characters of printable ASCII).
   */
  clientId?: string;
  token?: string;
  signatureMethod?: string;
  /**
   * What lay behind a 503 `temporarily_unavailable`: what a store or model threw or rejected with, the TypeError for an
   * answer of the wrong type, or the timeout. The application's own error, for its logs (it carries whatever the store
   * put in it); never in a response.
   */
  cause?: unknown;
}

/** Where refused signatures are explained: `true` for console.warn, or a function of the report. */
export type DebugSignatures = boolean | ((report: SignatureReport) => void);

/**
 * Calls a hook whose failures must change nothing: what it throws is ignored, and so is a promise it rejects (an
 * `async` hook fits a `void` type, and its unhandled rejection would end the process, accepted requests and all).
 */
function quietly(call: () => unknown): void {
  try {
    const result = call();
    if (isPromiseLike(result)) Promise.resolve(result).catch(() => undefined);
  } catch {
    // An audit or diagnosis hook must not turn a verified request into an error, nor a refusal into a 500.
  }
}

export function reportAudit(hook: ((event: AuditEvent) => void) | undefined, event: () => AuditEvent): void {
  if (!hook) return; // no event is built for nobody
  quietly(() => hook(event()));
}

export function reportSignature(debug: DebugSignatures | undefined, report: () => SignatureReport): void {
  if (!debug) return;
  quietly(() =>
    typeof debug === 'function'
      ? debug(report())
      : console.warn(`routing-controllers-oauth1: signature refused\n${formatSignatureReport(report())}`),
  );
}
