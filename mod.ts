/**
 * graphcall: remove and invite participants of Microsoft Teams calls through Microsoft Graph,
 * with app-only tokens (certificate, secret or federated) and tenant-setup guidance.
 *
 * Import it by URL; every dependency is a full `npm:` specifier, so no import map is needed.
 * `connect()` with no arguments reads the same environment as the `graphcall` CLI: `AZURE_*`
 * (Azure Identity's names) and `GRAPHCALL_EMULATOR_URL` to point at a local emulator. The
 * emulator itself is a separate entry point, `lib/emulator/mod.ts`, so importing this module
 * loads no emulator, no certificate-creation library and no PFX parser until one is used.
 *
 * @example Remove a participant from a call, credentials from the environment
 * ```ts ignore
 * import { connect } from "https://raw.githubusercontent.com/OWNER/graphcall/v0.1.0/mod.ts";
 *
 * // AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH (or AZURE_CLIENT_SECRET);
 * // GRAPHCALL_EMULATOR_URL=http://127.0.0.1:8080 to try it on `graphcall emulator`.
 * const graph = await connect();
 * const call = graph.call(Deno.env.get("CALL_ID")!);
 * for await (const p of call.participants()) {
 *   console.log(p.id, p.info?.identity?.user?.displayName ?? "");
 * }
 * const removed = await call.remove(Deno.env.get("PARTICIPANT_ID")!);
 * console.log(JSON.stringify({ status: removed.status, participantId: removed.participantId }));
 * ```
 *
 * @module
 */

export { connect } from "./lib/graph/connect.ts";
export type { ConnectOptions, GraphClient, MeetingRoster } from "./lib/graph/connect.ts";
export { parseJoinUrl } from "./lib/graph/join_url.ts";
export type { JoinLink, LongJoinLink, ShortJoinLink } from "./lib/graph/join_url.ts";
export type {
  CallStateSource,
  JoinOptions,
  JoinProgress,
  MeetingTarget,
} from "./lib/graph/meeting_join.ts";
export { PersonNotFoundError } from "./lib/graph/person_not_found.ts";
export type {
  Person,
  PersonResult,
  RemoveFromMeetingDryRun,
  RemoveFromMeetingOptions,
  RemoveFromMeetingResult,
} from "./lib/graph/remove_from_meeting.ts";
export type { DirectoryUser } from "./lib/graph/users.ts";
export type {
  GuardEvent,
  GuardOptions,
  GuardRules,
  GuardSummary,
} from "./lib/graph/guard_meeting.ts";
export { listenForNotifications } from "./lib/graph/notification_listener.ts";
export type {
  CommsNotification,
  NotificationListener,
  NotificationListenerOptions,
} from "./lib/graph/notification_listener.ts";
export type {
  CredentialOptions,
  EnvSource,
  FederatedSource,
} from "./lib/auth/resolve_credential.ts";
export type { AccessToken, GetTokenOptions, TokenCredential } from "./lib/auth/credential.ts";
export type { AssertionAlgorithm } from "./lib/auth/client_assertion.ts";
export type { TokenCache, TokenCacheKey, TokenCacheOptions } from "./lib/auth/token_cache.ts";
export type {
  DryRunRequest,
  DryRunResult,
  GraphTraceEvent,
  PipelineOptions,
  ResponseMeta,
} from "./lib/graph/graph_http.ts";
export type { Sleep } from "./lib/sleep.ts";

export type {
  CallHandle,
  CallHandleOptions,
  CallOperationOptions,
  CallResource,
  FindCriteria,
  GetCallResult,
  GetOptions,
  GetParticipantResult,
  HangUpResult,
  ListOptions,
  MuteOptions,
  MuteResult,
  Participant,
  RemoveAllExceptOptions,
  RemoveAllExceptResult,
} from "./lib/graph/call.ts";
export type { RemoveOptions, RemoveResult } from "./lib/graph/remove.ts";
export type {
  InvitationParticipantInfo,
  InviteBody,
  InviteOptions,
  InviteParticipantsOperation,
  InviteResult,
  ResultInfo,
} from "./lib/graph/invite.ts";
export type { WaitForInviteOptions, WaitForInviteResult } from "./lib/graph/wait_for_invite.ts";
export type {
  BulkDryRunResult,
  BulkItemResult,
  BulkProgress,
  BulkRemoveOptions,
  BulkRemoveResult,
  RemovalItem,
} from "./lib/graph/bulk_result.ts";

export { application, guest, phone, user } from "./lib/graph/identities.ts";
export type { Identity, IdentitySet } from "./lib/graph/identities.ts";

export { OPERATION_CATALOGUE } from "./lib/graph/operations.ts";
export type { OperationName, OperationSpec } from "./lib/graph/operations.ts";
export { decodeAccessToken } from "./lib/auth/claims.ts";
export type { AccessTokenClaims } from "./lib/auth/claims.ts";

export {
  AuthError,
  CallEndedError,
  EXIT_CODE_TABLE,
  EXIT_CODES,
  exitCodeFor,
  GraphcallError,
  GraphError,
  InvalidInputError,
  MissingCredentialError,
} from "./lib/errors.ts";
export type {
  CallEndInfo,
  ErrorCode,
  GraphcallErrorOptions,
  HttpErrorDetails,
} from "./lib/errors.ts";

export { CLOUD_NAMES, CLOUDS, getCloud } from "./lib/clouds.ts";
export type { Cloud, CloudName } from "./lib/clouds.ts";

export { createCertificate } from "./lib/auth/create_certificate.ts";
export type {
  CreateCertificateOptions,
  CreatedCertificate,
} from "./lib/auth/create_certificate.ts";

export { tenantSetupScript } from "./lib/tenant/setup_script.ts";
export type {
  OperationPermission,
  TenantSetupOptions,
  TenantSetupScript,
} from "./lib/tenant/setup_script.ts";
export type { TeamsAppOnlyLogin } from "./lib/tenant/policy_command.ts";
export { diagnose } from "./lib/tenant/diagnose.ts";
export type { DiagnoseOptions } from "./lib/tenant/doctor.ts";
export type { CheckStatus, DoctorCheck, DoctorReport } from "./lib/tenant/doctor_check.ts";
export type { ClockSkewLimits } from "./lib/tenant/check_clock.ts";

/**
 * Subscribes to every secret graphcall obtains (tokens, assertions, secrets), as it obtains it:
 * for a script that must mask secrets in its own logs (GitHub Actions' `::add-mask::`) before
 * anything could print them. Returns the unsubscribe function.
 */
export { onSecretRegistered } from "./lib/redact.ts";
export type { SecretListener } from "./lib/redact.ts";

export { VERSION } from "./lib/version.ts";
