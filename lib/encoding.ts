/**
 * Small byte helpers shared by the client and the emulator: base64 in both alphabets, hex,
 * SHA digests, PEM blocks. No secrets are logged here; these are pure functions.
 *
 * @module
 */

/** Bytes to standard base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes to base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Base64 in either alphabet, with or without padding, to bytes. Throws on other characters. */
export function fromBase64Any(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(clean)) throw new TypeError("not base64");
  const padded = clean + "=".repeat((4 - (clean.length % 4)) % 4);
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes to upper-case hex, the way Windows and the Azure portal print thumbprints. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/** SHA digest of bytes. */
export async function digest(
  algorithm: "SHA-1" | "SHA-256",
  bytes: Uint8Array,
): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes as BufferSource));
}

/** One PEM block: its label (e.g. `CERTIFICATE`) and DER bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
  /** The block's text, from BEGIN to END. */
  text: string;
}

/** All PEM blocks in a text, in order. Text between blocks is ignored. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const label = m[1] ?? "";
    const body = (m[2] ?? "").replace(/^[A-Za-z-]+:.*$/gm, "");
    let der: Uint8Array;
    try {
      der = fromBase64Any(body);
    } catch {
      continue;
    }
    blocks.push({ label, der, text: m[0] });
  }
  return blocks;
}

/** DER bytes to a PEM block with 64-character lines. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
