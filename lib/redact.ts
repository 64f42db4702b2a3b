/**
 * Redaction of credentials in anything that may be printed: bearer tokens, client assertions,
 * client secrets, private keys. Applied to debug traces, error texts and logs.
 *
 * Two layers: shapes that are always secret (a compact JWT, a PEM private key, the value of a
 * `client_secret=` or `client_assertion=` form field, an `Authorization` header), and exact values
 * registered with {@link registerSecret} as soon as they exist (a client secret read from a file
 * has no telling shape).
 *
 * @module
 */

/** What a redacted value is replaced with. */
export const REDACTED = "[REDACTED]";

const known = new Set<string>();

/** Called with each new secret value as soon as auth obtains it. */
export type SecretListener = (value: string) => void;

const listeners = new Set<SecretListener>();

/**
 * Remembers a secret value so that {@link redact} removes it wherever it appears, and tells every
 * listener (see {@link onSecretRegistered}) the first time the value is seen. Values shorter
 * than 6 characters are not registered: they would redact ordinary words.
 *
 * Auth calls this for every secret it obtains: a client secret read from a file, the
 * environment or stdin, each client assertion, each GitHub OIDC token and each access token.
 *
 * @example Register a secret read from a file
 * ```ts
 * import { redact, registerSecret } from "./redact.ts";
 * registerSecret("s3cr3t-value-from-a-file");
 * console.log(redact("secret=s3cr3t-value-from-a-file")); // secret=[REDACTED]
 * ```
 */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6 || known.has(value)) return;
  known.add(value);
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch {
      // A listener's failure must not stop auth, nor leak the value in a stack trace.
    }
  }
}

/**
 * Subscribes to newly registered secrets. The CLI uses it in GitHub Actions to print
 * `::add-mask::VALUE` for each token and assertion as soon as it exists. Returns the
 * unsubscribe function.
 *
 * @example Mask secrets in a GitHub Actions log
 * ```ts ignore
 * import { onSecretRegistered } from "./redact.ts";
 * const stop = onSecretRegistered((value) => console.log(`::add-mask::${value}`));
 * // ... run the command ...
 * stop();
 * ```
 */
export function onSecretRegistered(listener: SecretListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Forgets all registered secrets (tests use this between cases). */
export function clearRegisteredSecrets(): void {
  known.clear();
}

const PATTERNS: readonly [RegExp, string][] = [
  // PEM private keys, whole blocks.
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`,
  ],
  // Authorization header values: keep the scheme only.
  [/\b(authorization["']?\s*[:=]\s*["']?)(Bearer|Basic)\s+[^\s"',;]+/gi, `$1$2 ${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  // Form and query fields that carry credentials.
  [
    /\b(client_secret|client_assertion|access_token|assertion|password|refresh_token)=([^&\s"']+)/gi,
    `$1=${REDACTED}`,
  ],
  // JSON fields that carry credentials.
  [
    /("(?:access_token|client_secret|client_assertion|value|token|password|id_token)"\s*:\s*")([^"]{16,})(")/gi,
    `$1${REDACTED}$3`,
  ],
  // Anything shaped like a compact JWS (three base64url parts, header starting with `{"`).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/**
 * Returns `text` with every credential removed.
 *
 * @example Redact a debug line
 * ```ts
 * import { redact } from "./redact.ts";
 * console.log(redact("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig")); // Authorization: Bearer [REDACTED]
 * ```
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Header names whose values are always secret. */
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

/** A copy of headers fit to print: secret headers keep only their scheme. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (SECRET_HEADERS.has(name.toLowerCase())) {
      const scheme = value.split(/\s+/)[0];
      out[name] = scheme && scheme !== value ? `${scheme} ${REDACTED}` : REDACTED;
    } else {
      out[name] = redact(value);
    }
  }
  return out;
}
