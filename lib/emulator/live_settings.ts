/**
 * The emulator's configurable assumptions, live: built from the state file's `settings` with
 * `startEmulator` options on top, and changed in place by `PUT /_emulator/settings`, so every
 * part (Entra, Graph, the calls' life, notification delivery) reads the current values.
 *
 * @module
 */

import { DEFAULT_RUNTIME, type RuntimeSettings } from "./call_runtime.ts";
import type { EntraSettings } from "./entra.ts";
import { defaultGraphSettings, type GraphSettings } from "./graph_routes.ts";
import type { EmulatorSettingsSpec } from "./state.ts";

/** The settings each part of a running emulator reads. */
export class LiveSettings {
  /** The token endpoint's. */
  readonly entra: EntraSettings = { clockSkewSeconds: 300, tokenLifetimeSeconds: 3599 };
  /** The Graph routes'. */
  readonly graph: GraphSettings = defaultGraphSettings();
  /** The calls' life and notification delivery. */
  readonly runtime: RuntimeSettings = { ...DEFAULT_RUNTIME };

  /** Applies the state file's settings, then the options (which win). */
  constructor(fromFile: EmulatorSettingsSpec, options: EmulatorSettingsSpec) {
    this.apply(fromFile);
    this.apply(options);
  }

  /** Applies the fields given (a checked spec); `refreshInSeconds: null` removes it. */
  apply(s: EmulatorSettingsSpec): void {
    if (s.clockSkewSeconds !== undefined) this.entra.clockSkewSeconds = s.clockSkewSeconds;
    if (s.tokenLifetimeSeconds !== undefined) {
      this.entra.tokenLifetimeSeconds = s.tokenLifetimeSeconds;
    }
    if (s.refreshInSeconds === null) delete this.entra.refreshInSeconds;
    else if (s.refreshInSeconds !== undefined) this.entra.refreshInSeconds = s.refreshInSeconds;
    if (s.policyDenial) this.graph.policyDenial = { ...s.policyDenial };
    if (s.callNotFound) this.graph.callNotFound = { ...s.callNotFound };
    if (s.inviteLimit !== undefined) this.graph.inviteLimit = s.inviteLimit;
    if (s.joinDelayMs !== undefined) this.runtime.joinDelayMs = s.joinDelayMs;
    if (s.lobbyTimeoutMs !== undefined) this.runtime.lobbyTimeoutMs = s.lobbyTimeoutMs;
    if (s.keepAliveTimeoutMs !== undefined) this.runtime.keepAliveTimeoutMs = s.keepAliveTimeoutMs;
    if (s.callbackFailure !== undefined) this.runtime.callbackFailure = s.callbackFailure;
    if (s.notificationRetries !== undefined) this.runtime.retries = s.notificationRetries;
    if (s.notificationTimeoutMs !== undefined) this.runtime.timeoutMs = s.notificationTimeoutMs;
  }
}
