/**
 * graphcall's errors: one base class with a stable string `code`, subclasses that carry data,
 * and the table of CLI exit codes. Branch on `code` (stable), never on `message` (for people).
 *
 * Nothing secret ever goes into these errors: messages are built from ids, codes and texts the
 * services returned, and {@link redact} is applied to anything that came off the wire.
 *
 * @module
 */

/** Every stable error code graphcall raises. */
export type ErrorCode =
  | "invalid_input"
  | "missing_credential"
  | "credential_invalid"
  | "auth_failed"
  | "unauthenticated"
  | "not_found"
  | "permission_missing"
  | "policy_denied"
  | "not_supported"
  | "ambiguous"
  | "not_admitted"
  | "call_ended"
  | "throttled"
  | "service_error"
  | "network"
  | "timeout"
  | "aborted"
  | "interrupted"
  | "internal";

/** The CLI's exit codes, by meaning. Listed in `--help` and the README. */
export const EXIT_CODES: Readonly<{
  ok: 0;
  other: 1;
  usage: 2;
  auth: 3;
  notFound: 4;
  forbidden: 5;
  throttled: 6;
  network: 7;
  notAdmitted: 8;
  interrupted: 130;
}> = Object.freeze({
  ok: 0,
  other: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  forbidden: 5,
  throttled: 6,
  network: 7,
  notAdmitted: 8,
  interrupted: 130,
});

/** What each error code exits with. One place for the mapping. */
const EXIT_CODE_BY_ERROR: Readonly<Record<ErrorCode, number>> = Object.freeze({
  invalid_input: EXIT_CODES.usage,
  missing_credential: EXIT_CODES.usage,
  credential_invalid: EXIT_CODES.auth,
  auth_failed: EXIT_CODES.auth,
  unauthenticated: EXIT_CODES.auth,
  not_found: EXIT_CODES.notFound,
  permission_missing: EXIT_CODES.forbidden,
  policy_denied: EXIT_CODES.forbidden,
  not_supported: EXIT_CODES.usage,
  ambiguous: EXIT_CODES.usage,
  not_admitted: EXIT_CODES.notAdmitted,
  call_ended: EXIT_CODES.notAdmitted,
  throttled: EXIT_CODES.throttled,
  service_error: EXIT_CODES.throttled,
  network: EXIT_CODES.network,
  timeout: EXIT_CODES.network,
  aborted: EXIT_CODES.interrupted,
  interrupted: EXIT_CODES.interrupted,
  internal: EXIT_CODES.other,
});

/** A table for help texts and docs: exit code and what it means. */
export const EXIT_CODE_TABLE: readonly { code: number; meaning: string }[] = Object.freeze([
  { code: EXIT_CODES.ok, meaning: "success" },
  { code: EXIT_CODES.other, meaning: "unexpected error" },
  {
    code: EXIT_CODES.usage,
    meaning: "usage error, invalid input or an ambiguous name (nothing was changed)",
  },
  { code: EXIT_CODES.auth, meaning: "authentication failed (token could not be obtained)" },
  { code: EXIT_CODES.notFound, meaning: "call, participant, person or user not found" },
  { code: EXIT_CODES.forbidden, meaning: "forbidden: missing permission or tenant policy" },
  { code: EXIT_CODES.throttled, meaning: "throttled or service unavailable after retries" },
  { code: EXIT_CODES.network, meaning: "network error or timeout" },
  {
    code: EXIT_CODES.notAdmitted,
    meaning: "not admitted to the meeting (lobby timeout), or the app's call ended",
  },
  { code: EXIT_CODES.interrupted, meaning: "interrupted (SIGINT)" },
]);

/** Options every graphcall error takes. */
export interface GraphcallErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** What to do about it, in one or a few lines, for people. */
  remediation?: string;
}

/**
 * The base of every error graphcall throws.
 *
 * @example Branch on the stable code
 * ```ts
 * import { GraphcallError } from "./errors.ts";
 * try {
 *   throw new GraphcallError("not_found", "participant p1 is not in call c1");
 * } catch (e) {
 *   if (e instanceof GraphcallError && e.code === "not_found") console.log("gone already");
 * }
 * ```
 */
export class GraphcallError extends Error {
  /** The stable machine-readable code. */
  readonly code: ErrorCode;
  /** What to do about it, when graphcall knows. */
  readonly remediation: string | undefined;

  /** Creates the error. */
  constructor(code: ErrorCode, message: string, options: GraphcallErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.remediation = options.remediation;
  }

  /** The CLI exit code for this error. */
  get exitCode(): number {
    return EXIT_CODE_BY_ERROR[this.code];
  }

  /** A plain object for `--output json`; never includes secrets. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.remediation) out.remediation = this.remediation;
    return out;
  }
}

/** A value given by the user is wrong; nothing was sent. */
export class InvalidInputError extends GraphcallError {
  /** The field, flag or variable at fault. */
  readonly field: string;
  /** Creates the error. */
  constructor(field: string, message: string, options: GraphcallErrorOptions = {}) {
    super("invalid_input", `${field}: ${message}`, options);
    this.field = field;
  }
  /** A plain object for `--output json`; never includes secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** A credential, or a part of one, was not given. */
export class MissingCredentialError extends GraphcallError {
  /** The flags or environment variables that would supply it. */
  readonly field: string;
  /** Creates the error. */
  constructor(field: string, message: string, options: GraphcallErrorOptions = {}) {
    super("missing_credential", message, options);
    this.field = field;
  }
  /** A plain object for `--output json`; never includes secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** Data that describes a failed HTTP exchange with Graph or Entra. */
export interface HttpErrorDetails {
  /** HTTP status; 0 when no response arrived. */
  status?: number;
  /** Graph's `request-id` (or Entra's `trace_id`). */
  requestId?: string;
  /** The `client-request-id` graphcall sent (or Entra's `correlation_id`). */
  clientRequestId?: string;
  /** The response's `Date` or `innerError.date`. */
  date?: string;
}

/** Entra refused to issue a token, or the credential could not be used. */
export class AuthError extends GraphcallError {
  /** The OAuth `error` string, e.g. `invalid_client`. */
  readonly error: string | undefined;
  /** The AADSTS numbers, e.g. `[700027]`. */
  readonly aadsts: readonly number[];
  /** HTTP status of the token response, 0 when none. */
  readonly status: number;
  /** Entra's `trace_id`. */
  readonly traceId: string | undefined;
  /** Entra's `correlation_id`. */
  readonly correlationId: string | undefined;
  /** Entra's `timestamp`. */
  readonly timestamp: string | undefined;

  /** Creates the error. */
  constructor(
    message: string,
    details: {
      error?: string;
      aadsts?: readonly number[];
      status?: number;
      traceId?: string;
      correlationId?: string;
      timestamp?: string;
    } = {},
    options: GraphcallErrorOptions & { code?: ErrorCode } = {},
  ) {
    super(options.code ?? "auth_failed", message, options);
    this.error = details.error;
    this.aadsts = details.aadsts ?? [];
    this.status = details.status ?? 0;
    this.traceId = details.traceId;
    this.correlationId = details.correlationId;
    this.timestamp = details.timestamp;
  }

  /** A plain object for `--output json`; never includes secrets. */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      error: this.error,
      aadsts: this.aadsts,
      traceId: this.traceId,
      correlationId: this.correlationId,
      timestamp: this.timestamp,
    };
  }
}

/** Graph answered with an error, or could not be reached. */
export class GraphError extends GraphcallError {
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** Graph's own `error.code`: an open string (real ones include "9999"). */
  readonly graphCode: string | undefined;
  /** Graph's `request-id`. */
  readonly requestId: string | undefined;
  /** The `client-request-id` graphcall sent. */
  readonly clientRequestId: string | undefined;
  /** The response's date. */
  readonly date: string | undefined;

  /** Creates the error. */
  constructor(
    code: ErrorCode,
    message: string,
    details: HttpErrorDetails & { graphCode?: string } = {},
    options: GraphcallErrorOptions = {},
  ) {
    super(code, message, options);
    this.status = details.status ?? 0;
    this.graphCode = details.graphCode;
    this.requestId = details.requestId;
    this.clientRequestId = details.clientRequestId;
    this.date = details.date;
  }

  /** A plain object for `--output json`; never includes secrets. */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      graphCode: this.graphCode,
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      date: this.date,
    };
  }
}

/** The CLI exit code for anything thrown: graphcall errors by code, anything else 1. */
export function exitCodeFor(error: unknown): number {
  return error instanceof GraphcallError ? error.exitCode : EXIT_CODES.other;
}

/** How a call ended, as Graph's `resultInfo` says. */
export interface CallEndInfo {
  /** Generic code (HTTP-like). */
  code?: number;
  /** Detail code, e.g. 5855 (lobby timeout), 8537 (keep-alive timeout). */
  subcode?: number;
  /** Graph's message. */
  message?: string;
}

/** The app's call ended (or never got into the meeting): lobby timeout, removed, terminated. */
export class CallEndedError extends GraphcallError {
  /** The call id. */
  readonly callId: string;
  /** Graph's `resultInfo` of the ended call, when it said. */
  readonly resultInfo: CallEndInfo | undefined;

  /** Creates the error; `code` is `not_admitted` for a lobby timeout, else `call_ended`. */
  constructor(
    code: "not_admitted" | "call_ended",
    callId: string,
    message: string,
    resultInfo?: CallEndInfo,
    options: GraphcallErrorOptions = {},
  ) {
    super(code, message, options);
    this.callId = callId;
    this.resultInfo = resultInfo;
  }

  /** A plain object for `--output json`. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), callId: this.callId, resultInfo: this.resultInfo };
  }
}
