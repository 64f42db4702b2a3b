/** How CLI tests name the test app to a running emulator: by flags, or by AZURE_* variables. */

import { IDS } from "./tenant.ts";

/** The global flags that point the CLI at an emulator with the test app's certificate. */
export function cliCredentials(emulatorUrl: string, pemPath: string): string[] {
  return [
    "--emulator",
    emulatorUrl,
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--certificate",
    pemPath,
  ];
}

/** The same credentials as Azure Identity's environment variables. */
export function cliCredentialEnv(pemPath: string): Record<string, string> {
  return {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    AZURE_CLIENT_CERTIFICATE_PATH: pemPath,
  };
}
