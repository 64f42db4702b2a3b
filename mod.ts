/**
 * graphcall: remove and invite participants of Microsoft Teams calls through Microsoft Graph,
 * with app-only tokens (certificate, secret or federated), tenant-setup guidance, and a local
 * emulator of Entra ID and Graph to test against.
 *
 * Import it by URL; every dependency is a full `npm:` specifier, so no import map is needed.
 *
 * @example Remove a participant from a call
 * ```ts ignore
 * import { connect } from "https://raw.githubusercontent.com/OWNER/graphcall/v0.1.0/mod.ts";
 *
 * const graph = await connect({
 *   tenantId: "contoso.onmicrosoft.com",
 *   clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   certificate: { path: "app.pem" },
 * });
 * await graph.call("112f7296-5fa4-42ca-bae8-6a692b15d4b8")
 *   .remove("a7ebfb2d-871e-419c-87af-27290b22e8db");
 * ```
 *
 * @module
 */

export { connect } from "./lib/graph/connect.ts";
export type { ConnectOptions, GraphClient } from "./lib/graph/connect.ts";
export type { CredentialOptions, EnvSource } from "./lib/auth/resolve_credential.ts";
export type { AccessToken, GetTokenOptions, TokenCredential } from "./lib/auth/credential.ts";
export type { AssertionAlgorithm } from "./lib/auth/client_assertion.ts";
export { GraphHttp } from "./lib/graph/graph_http.ts";
export { realSleep } from "./lib/sleep.ts";
export type { Sleep } from "./lib/sleep.ts";
export type {
  DryRunRequest,
  DryRunResult,
  GraphHttpOptions,
  GraphRequest,
  GraphResponse,
  GraphTraceEvent,
  ParticipantOperation,
  PipelineOptions,
  ResponseMeta,
} from "./lib/graph/graph_http.ts";
export { CallHandle } from "./lib/graph/call.ts";
export type {
  GetOptions,
  GetParticipantResult,
  ListOptions,
  MuteOptions,
  MuteResult,
  Participant,
  RemoveAllExceptOptions,
  RemoveAllExceptResult,
} from "./lib/graph/call.ts";
export type { RemoveOptions, RemoveResult } from "./lib/graph/remove.ts";
export { application, checkE164, guest, phone, user } from "./lib/graph/identities.ts";
export type { Identity, IdentitySet } from "./lib/graph/identities.ts";
export { checkInviteBody, MAX_CLIENT_CONTEXT } from "./lib/graph/invite.ts";
export type {
  InvitationParticipantInfo,
  InviteBody,
  InviteOptions,
  InviteParticipantsOperation,
  InviteResult,
  ResultInfo,
} from "./lib/graph/invite.ts";
export type { WaitForInviteOptions, WaitForInviteResult } from "./lib/graph/wait_for_invite.ts";
export { removeMany } from "./lib/graph/bulk_remove.ts";
export type {
  BulkDryRunResult,
  BulkItemResult,
  BulkProgress,
  BulkRemoveOptions,
  BulkRemoveResult,
  RemovalItem,
} from "./lib/graph/bulk_remove.ts";
export { errorCodeForStatus, toGraphError } from "./lib/graph/error_mapping.ts";
export type { FailedExchange } from "./lib/graph/error_mapping.ts";
export { parseRetryAfter } from "./lib/retry_after.ts";
export { checkId } from "./lib/graph/ids.ts";
export { CLOUD_NAMES, CLOUDS, getCloud } from "./lib/clouds.ts";
export type { Cloud, CloudName } from "./lib/clouds.ts";
export {
  AuthError,
  EXIT_CODE_TABLE,
  EXIT_CODES,
  exitCodeFor,
  GraphcallError,
  GraphError,
  InvalidInputError,
  MissingCredentialError,
} from "./lib/errors.ts";
export type { ErrorCode, GraphcallErrorOptions, HttpErrorDetails } from "./lib/errors.ts";
export { createCertificate } from "./lib/auth/create_certificate.ts";
export type {
  CreateCertificateOptions,
  CreatedCertificate,
} from "./lib/auth/create_certificate.ts";
export { startEmulator } from "./lib/emulator/mod.ts";
export type {
  Emulator,
  EmulatorOptions,
  EmulatorStateSpec,
  GithubOidcSettings,
  LoggedRequest,
} from "./lib/emulator/mod.ts";
export type {
  EmulatorSettingsSpec,
  GithubSpec,
  PolicyDenialSpec,
  TlsOption,
} from "./lib/emulator/mod.ts";
export type {
  AppSpec,
  CallSpec,
  CertificateSpec,
  EmulatedCall,
  EmulatedParticipant,
  EmulatedTenant,
  EmulatorState,
  FaultSpec,
  FederatedCredentialSpec,
  ParticipantSpec,
  SecretSpec,
  TenantSpec,
  UserSpec,
} from "./lib/emulator/state.ts";
export { VERSION } from "./lib/version.ts";
export { TEAMS_MODULE_MINIMUM, tenantSetupScript } from "./lib/tenant/setup_script.ts";
export type {
  OperationPermission,
  TenantSetupOptions,
  TenantSetupScript,
} from "./lib/tenant/setup_script.ts";
export type { TeamsAppOnlyLogin } from "./lib/tenant/policy_command.ts";
export { diagnose } from "./lib/tenant/doctor.ts";
export type { DiagnoseOptions } from "./lib/tenant/doctor.ts";
export type { CheckStatus, DoctorCheck, DoctorReport } from "./lib/tenant/doctor_check.ts";
export type { ClockSkewLimits } from "./lib/tenant/check_clock.ts";
export { defaultTokenCache, TokenCache } from "./lib/auth/token_cache.ts";
export type { TokenCacheKey, TokenCacheOptions } from "./lib/auth/token_cache.ts";
export type { CredentialKind, FederatedSource } from "./lib/auth/resolve_credential.ts";
export { decodeAccessToken, grantedOperations, missingRoleWarning } from "./lib/auth/claims.ts";
export type { AccessTokenClaims } from "./lib/auth/claims.ts";
export type { Operation } from "./lib/auth/required_roles.ts";
export { onSecretRegistered } from "./lib/redact.ts";
export type { SecretListener } from "./lib/redact.ts";
