/**
 * What a protector tells the application about each request it guards: an audit event per outcome, and,
 * in development, the diagnosis of a refused signature. Neither can change an answer: whatever a hook
 * throws is ignored.
 */
import { formatSignatureReport, type SignatureReport } from '../rfc5849/diagnosis';

/** One verification outcome, for audit logs and metrics. Never carries a secret or a signature. */
export interface AuditEvent {
  outcome: 'accepted' | 'refused';
  /** HTTP status of the answer: 200 when accepted (the action may still answer otherwise). */
  status: number;
  /** The OAuth `error` code of a refusal. */
  error?: string;
  method: string;
  path: string;
  /** Consumer key and token as the request claimed them (verified only when accepted). */
  clientId?: string;
  token?: string;
  signatureMethod?: string;
}

/** Where refused signatures are explained: `true` for console.warn, or a function of the report. */
export type DebugSignatures = boolean | ((report: SignatureReport) => void);

export function reportAudit(hook: ((event: AuditEvent) => void) | undefined, event: () => AuditEvent): void {
  if (!hook) return; // no event is built for nobody
  try {
    hook(event());
  } catch {
    // An audit hook must not turn a verified request into an error, nor a refusal into a 500.
  }
}

export function reportSignature(debug: DebugSignatures | undefined, report: () => SignatureReport): void {
  if (!debug) return;
  try {
    if (typeof debug === 'function') debug(report());
    else console.warn(`routing-controllers-oauth1: signature refused\n${formatSignatureReport(report())}`);
  } catch {
    // A diagnosis aid must never change the answer.
  }
}
