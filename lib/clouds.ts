/**
 * The national-cloud table: the one place that knows each cloud's hosts, scope, federated-token
 * audience, Teams environment name and whether the participants API is offered there.
 *
 * Facts: ../shared/reference/graph-participants.md section 6 and entra-tokens.md section 7.
 *
 * @module
 */

import { InvalidInputError } from "./errors.ts";

/** The names of the clouds Graph serves, spelled as `Connect-MgGraph -Environment` spells them. */
export type CloudName = "Global" | "USGov" | "USGovDoD" | "China";

/** Everything graphcall needs to know about one national cloud. */
export interface Cloud {
  /** The name, as `Get-MgEnvironment` lists it. */
  readonly name: CloudName;
  /** A short description for people. */
  readonly description: string;
  /** The Graph root, without a version: `{graphUrl}/v1.0/...`. */
  readonly graphUrl: string;
  /** The Entra authority host: `{authorityUrl}/{tenant}/oauth2/v2.0/token`. */
  readonly authorityUrl: string;
  /** The app-only scope for Graph in this cloud. */
  readonly scope: string;
  /** The audience a federated (workload identity) token must carry for this cloud. */
  readonly federatedAudience: string;
  /** `Connect-MicrosoftTeams -TeamsEnvironmentName` for this cloud; `null` for Global. */
  readonly teamsEnvironmentName: string | null;
  /** Whether `/communications/calls/{id}/participants` is offered in this cloud (v1.0). */
  readonly participantsApi: boolean;
}

/** The four clouds, keyed by name. */
export const CLOUDS: Readonly<Record<CloudName, Cloud>> = Object.freeze({
  Global: {
    name: "Global",
    description: "Microsoft Graph global service (also M365 GCC)",
    graphUrl: "https://graph.microsoft.com",
    authorityUrl: "https://login.microsoftonline.com",
    scope: "https://graph.microsoft.com/.default",
    federatedAudience: "api://AzureADTokenExchange",
    teamsEnvironmentName: null,
    participantsApi: true,
  },
  USGov: {
    name: "USGov",
    description: "Microsoft Graph for US Government L4 (GCC High)",
    graphUrl: "https://graph.microsoft.us",
    authorityUrl: "https://login.microsoftonline.us",
    scope: "https://graph.microsoft.us/.default",
    federatedAudience: "api://AzureADTokenExchangeUSGov",
    teamsEnvironmentName: "TeamsGCCH",
    participantsApi: true,
  },
  USGovDoD: {
    name: "USGovDoD",
    description: "Microsoft Graph for US Government L5 (DoD)",
    graphUrl: "https://dod-graph.microsoft.us",
    authorityUrl: "https://login.microsoftonline.us",
    scope: "https://dod-graph.microsoft.us/.default",
    federatedAudience: "api://AzureADTokenExchangeUSGov",
    teamsEnvironmentName: "TeamsDOD",
    participantsApi: true,
  },
  China: {
    name: "China",
    description: "Microsoft Graph China operated by 21Vianet",
    graphUrl: "https://microsoftgraph.chinacloudapi.cn",
    authorityUrl: "https://login.chinacloudapi.cn",
    scope: "https://microsoftgraph.chinacloudapi.cn/.default",
    federatedAudience: "api://AzureADTokenExchangeChina",
    teamsEnvironmentName: "TeamsChina",
    participantsApi: false,
  },
});

/** The cloud names in table order. */
export const CLOUD_NAMES: readonly CloudName[] = Object.freeze(
  Object.keys(CLOUDS) as CloudName[],
);

/**
 * Looks a cloud up by name, case-insensitively.
 *
 * @example Pick the GCC High cloud
 * ```ts
 * import { getCloud } from "./clouds.ts";
 * const cloud = getCloud("usgov");
 * console.log(cloud.graphUrl); // https://graph.microsoft.us
 * ```
 *
 * @throws {InvalidInputError} when the name is not one of {@link CLOUD_NAMES}.
 */
export function getCloud(name: string, field = "cloud"): Cloud {
  const found = CLOUD_NAMES.find((n) => n.toLowerCase() === name.trim().toLowerCase());
  if (!found) {
    throw new InvalidInputError(
      field,
      `unknown cloud "${name}": use one of ${CLOUD_NAMES.join(", ")}`,
    );
  }
  return CLOUDS[found];
}
