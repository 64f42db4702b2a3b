/**
 * Looking a user up: `GET /users/{id | userPrincipalName}` (`$select=id,displayName,
 * userPrincipalName,mail`), to turn the UPN an admin holds into the object id a roster carries.
 * An object id needs no lookup. App-only, the lookup needs `User.Read.All` (or a higher directory
 * role); a 403 says so with the fix, a 404 names the user and the tenant.
 *
 * @module
 */

import { GraphError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import type { GraphHttp } from "./graph_http.ts";
import { sendOperation } from "./run_operation.ts";
import { userPathSegment } from "./user_key.ts";

/** A user as graphcall reads it. */
export interface DirectoryUser {
  /** The object id: what `info.identity.user.id` carries in a roster. */
  id: string;
  /** Display name. */
  displayName?: string;
  /** User principal name. */
  userPrincipalName?: string;
  /** Mail address. */
  mail?: string;
}

/** Options of {@link resolveUser}. */
export interface ResolveUserOptions {
  /** Look an object id up too (default: an object id is returned as it is, nothing sent). */
  lookUpIds?: boolean;
  /** Abort signal. */
  signal?: AbortSignal;
  /** The field to name when the value is not a user (default `user`). */
  field?: string;
}

/** Resolves a UPN (or, with `lookUpIds`, an object id) to the user. */
export async function resolveUser(
  http: GraphHttp,
  upnOrId: string,
  options: ResolveUserOptions = {},
): Promise<DirectoryUser> {
  const field = options.field ?? "user";
  const key = userPathSegment(upnOrId, field);
  if (isGuid(key) && !options.lookUpIds) return { id: key };
  try {
    const r = await sendOperation<DirectoryUser>(http, {
      name: "lookup",
      params: { userId: upnOrId.trim() },
      fields: { userId: field },
      query: { $select: "id,displayName,userPrincipalName,mail" },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const body = r.response.body;
    if (typeof body?.id !== "string" || !isGuid(body.id)) {
      throw new GraphError(
        "service_error",
        `Graph answered the lookup of ${upnOrId} without an id`,
        {
          status: r.response.status,
          clientRequestId: r.clientRequestId,
        },
      );
    }
    return {
      id: body.id.toLowerCase(),
      ...(typeof body.displayName === "string" ? { displayName: body.displayName } : {}),
      ...(typeof body.userPrincipalName === "string"
        ? { userPrincipalName: body.userPrincipalName }
        : {}),
      ...(typeof body.mail === "string" ? { mail: body.mail } : {}),
    };
  } catch (e) {
    if (e instanceof GraphError && e.code === "not_found") {
      throw new GraphError(
        "not_found",
        `no user ${upnOrId} in the tenant (Graph: ${e.message}); check the spelling, or give the ` +
          `person's object id if they belong to another tenant`,
        {
          status: e.status,
          ...(e.graphCode ? { graphCode: e.graphCode } : {}),
          ...(e.requestId ? { requestId: e.requestId } : {}),
          ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
        },
        { cause: e },
      );
    }
    throw e;
  }
}
