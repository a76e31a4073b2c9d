/**
 * What the server computed for a signature, laid out so that a developer can compare it line by line
 * with what the client computed (`routing-controllers-oauth1 explain` prints the same layout).
 * Server-side only: it holds the base string, which never goes into a response.
 */
export interface SignatureReport {
  method: string;
  /** Base string URI (§3.4.1.2). */
  uri: string;
  /**
   * Normalized parameters (§3.4.1.3.2), one `name=value` pair per entry, in order; on a route with
   * `baseString: 'mastercard'`, that string's pairs (a hint says so).
   */
  parameters: string[];
  baseString: string;
  /** Likely causes, in plain words. */
  hints: string[];
}

const DIAGNOSIS = Symbol('routing-controllers-oauth1.diagnosis');

/**
 * Attaches how to make the report to a refusal, out of sight: not enumerable, so no serializer sends it anywhere.
 * It is made only when asked for (`debugSignatures`): sorting a large request's parameters again for a log that is
 * off would double what a refusal costs.
 */
export function withDiagnosis<E extends Error>(error: E, report: () => SignatureReport): E {
  Object.defineProperty(error, DIAGNOSIS, { value: report, enumerable: false });
  return error;
}

/** How to make the report of a refused signature, if the error is one. */
export function diagnosisOf(error: Error): (() => SignatureReport) | undefined {
  return (error as Error & { [DIAGNOSIS]?: () => SignatureReport })[DIAGNOSIS];
}

export function formatSignatureReport(report: SignatureReport): string {
  return [
    `method:      ${report.method}`,
    `uri:         ${report.uri}`,
    'parameters:',
    ...report.parameters.map((pair) => `  ${pair}`),
    `base string: ${report.baseString}`,
    ...report.hints.map((hint) => `hint: ${hint}`),
  ].join('\n');
}
