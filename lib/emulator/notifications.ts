/**
 * Call notifications: `commsNotifications` POSTed to a call's `callbackUri`, as Graph's calling
 * service does, each with `Authorization: Bearer <JWT>` (RS256, `iss`
 * `https://api.botframework.com`, `aud` the app id, `tid`, `iat`/`nbf`/`exp`) signed with the
 * emulator's notification key, whose JWKS is served at `/_emulator/notifications/jwks`.
 *
 * Delivery never blocks a Graph answer and never throws: each call has a queue (its
 * notifications arrive in order), each attempt has a timeout, a failed attempt is retried a
 * bounded number of times after a short pause, redirects are not followed (a 3xx is a failure),
 * and `close()` aborts everything in flight. What happened is kept in a bounded log the admin API
 * shows: no token, no query string of the callback URI, no raw error text.
 *
 * @module
 */

import { SignJWT } from "npm:jose@^6.2";
import type { SigningKey } from "./signing_key.ts";

/** The issuer of notification tokens (the Bot Framework's, as the docs name it). */
export const NOTIFICATION_ISSUER = "https://api.botframework.com";

/** How many deliveries the log keeps; older ones are dropped first. */
export const DELIVERY_LOG_LIMIT = 1000;

/** Delivery settings, read at each delivery. */
export interface DeliverySettings {
  /** Retries after a failed attempt. */
  retries: number;
  /** Timeout of one attempt, ms. */
  timeoutMs: number;
}

/** Defaults of {@link DeliverySettings}. */
export const DEFAULT_DELIVERY: Readonly<DeliverySettings> = Object.freeze({
  retries: 2,
  timeoutMs: 5000,
});

/** Where a notification goes. */
export interface NotificationTarget {
  /** The tenant (`tid`). */
  tenantId: string;
  /** The app (`aud`). */
  appId: string;
  /** The call. */
  callId: string;
  /** The call's callback URI. */
  callbackUri: string;
}

/** One delivery, as the admin API shows it. */
export interface Delivery {
  /** Delivery id (also sent as `X-Microsoft-Skype-Message-ID`). */
  id: string;
  /** Tenant. */
  tenantId: string;
  /** Call. */
  callId: string;
  /** The callback URI without its query string. */
  callbackUri: string;
  /** `changeType` of each notification in the body. */
  changeTypes: string[];
  /** `resourceUrl` of each notification in the body. */
  resourceUrls: string[];
  /** Where it stands. */
  status: "pending" | "delivered" | "failed";
  /** Attempts made. */
  attempts: number;
  /** The HTTP status of the last answer, if any came. */
  responseStatus: number | null;
  /** Why the last attempt failed: `timeout`, `connection`, `redirect`, `http`, `closed`. */
  error: string | null;
  /** When it was queued (ISO, the emulator's clock). */
  queuedAt: string;
  /** When it finished. */
  finishedAt: string | null;
  /** The body sent (notifications carry no secrets). */
  body: Record<string, unknown>;
}

/** One notification item (`commsNotification`). */
export interface CommsNotification {
  /** `created`, `updated` or `deleted`. */
  changeType: "created" | "updated" | "deleted";
  /** e.g. `/communications/calls/{id}/participants`. */
  resourceUrl: string;
  /** One entity or a collection. */
  resourceData: unknown;
}

/** Sends and logs notifications. */
export class Notifier {
  readonly #key: () => Promise<SigningKey>;
  readonly #now: () => number;
  readonly #settings: () => DeliverySettings;
  readonly #onFailed: (target: NotificationTarget) => void;
  readonly #queues = new Map<string, Promise<void>>();
  readonly #log: Delivery[] = [];
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * `key` signs the tokens; `now` is the emulator's clock; `onFailed` hears of a delivery whose
   * every attempt failed.
   */
  constructor(options: {
    key: () => Promise<SigningKey>;
    now: () => number;
    settings: () => DeliverySettings;
    onFailed: (target: NotificationTarget) => void;
  }) {
    this.#key = options.key;
    this.#now = options.now;
    this.#settings = options.settings;
    this.#onFailed = options.onFailed;
  }

  /** The deliveries, oldest first. */
  get deliveries(): readonly Delivery[] {
    return this.#log;
  }

  /** Empties the delivery log (pending deliveries go on). */
  clear(): void {
    this.#log.splice(0);
  }

  /** Queues one POST of these notifications to the call's callback; returns at once. */
  send(target: NotificationTarget, items: CommsNotification[]): void {
    if (this.#closing.signal.aborted || items.length === 0) return;
    const body = {
      "@odata.type": "#microsoft.graph.commsNotifications",
      value: items.map((n) => ({
        "@odata.type": "#microsoft.graph.commsNotification",
        changeType: n.changeType,
        resource: n.resourceUrl.replace(/^\/communications\//, "/app/"),
        resourceUrl: n.resourceUrl,
        resourceData: n.resourceData,
      })),
    };
    const delivery: Delivery = {
      id: crypto.randomUUID(),
      tenantId: target.tenantId,
      callId: target.callId,
      callbackUri: withoutQuery(target.callbackUri),
      changeTypes: items.map((n) => n.changeType),
      resourceUrls: items.map((n) => n.resourceUrl),
      status: "pending",
      attempts: 0,
      responseStatus: null,
      error: null,
      queuedAt: new Date(this.#now()).toISOString(),
      finishedAt: null,
      body,
    };
    if (this.#log.length >= DELIVERY_LOG_LIMIT) this.#log.splice(0, 1);
    this.#log.push(delivery);
    const key = `${target.tenantId}|${target.callId}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#deliver(target, delivery)).catch(() => {});
    this.#queues.set(key, next);
    this.#inFlight.add(next);
    next.finally(() => {
      this.#inFlight.delete(next);
      if (this.#queues.get(key) === next) this.#queues.delete(key);
    });
  }

  /** Resolves when every queued delivery has finished (tests). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Aborts every delivery in flight and waits for them to stop. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.idle();
  }

  async #deliver(target: NotificationTarget, delivery: Delivery): Promise<void> {
    const body = JSON.stringify(delivery.body);
    const { retries, timeoutMs } = this.#settings();
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.#closing.signal.aborted) break;
      if (attempt > 0) await this.#pause(Math.min(1000, 100 * 2 ** (attempt - 1)));
      if (this.#closing.signal.aborted) break;
      delivery.attempts++;
      const outcome = await this.#attempt(target, delivery.id, body, timeoutMs);
      delivery.responseStatus = outcome.status;
      delivery.error = outcome.error;
      if (outcome.error === null) {
        delivery.status = "delivered";
        delivery.finishedAt = new Date(this.#now()).toISOString();
        return;
      }
    }
    delivery.status = "failed";
    if (this.#closing.signal.aborted) delivery.error = "closed";
    delivery.finishedAt = new Date(this.#now()).toISOString();
    if (!this.#closing.signal.aborted) {
      try {
        this.#onFailed(target);
      } catch { /* a failure handler never breaks delivery */ }
    }
  }

  async #attempt(
    target: NotificationTarget,
    messageId: string,
    body: string,
    timeoutMs: number,
  ): Promise<{ status: number | null; error: string | null }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onClose = () => controller.abort();
    this.#closing.signal.addEventListener("abort", onClose, { once: true });
    try {
      const token = await this.#token(target);
      const response = await fetch(target.callbackUri, {
        method: "POST",
        redirect: "manual",
        signal: controller.signal,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "user-agent": "graphcall-emulator (calling notifications)",
          "x-microsoft-skype-chain-id": target.callId,
          "x-microsoft-skype-message-id": messageId,
        },
        body,
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) {
        return { status: response.status, error: null };
      }
      return {
        status: response.status,
        error: response.status >= 300 && response.status < 400 ? "redirect" : "http",
      };
    } catch {
      return {
        status: null,
        error: this.#closing.signal.aborted ? "closed" : timedOut ? "timeout" : "connection",
      };
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener("abort", onClose);
    }
  }

  async #token(target: NotificationTarget): Promise<string> {
    const key = await this.#key();
    const now = Math.floor(this.#now() / 1000);
    return await new SignJWT({ tid: target.tenantId })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid })
      .setIssuer(NOTIFICATION_ISSUER)
      .setAudience(target.appId)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
  }

  #pause(ms: number): Promise<void> {
    const signal = this.#closing.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

function withoutQuery(uri: string): string {
  try {
    const u = new URL(uri);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "";
  }
}
