/**
 * A small reader of DER (the binary ASN.1 encoding of certificates and keys): enough to walk an
 * X.509 certificate and a PKCS#8 key without loading `node:crypto`. It reads definite lengths and
 * single-byte tags only, which is all DER certificates and keys use; anything else is refused.
 *
 * @module
 */

/** One DER element: its tag byte and its content bytes. */
export interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
}

/** The universal tags this project reads. */
export const TAG = Object.freeze({
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
});

/** Malformed DER: what was expected where. */
export class DerError extends Error {
  override name = "DerError";
}

/** Reads the element at `offset`; returns it and the offset after it. */
export function readElement(bytes: Uint8Array, offset = 0): [DerElement, number] {
  if (offset + 2 > bytes.length) throw new DerError("truncated element");
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used in DER keys");
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError("unsupported length encoding");
    if (start + count > bytes.length) throw new DerError("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError("element longer than its container");
  return [{ tag, content: bytes.subarray(start, end) }, end];
}

/** Reads exactly one element filling `bytes`, of the expected tag. */
export function readOnly(bytes: Uint8Array, tag: number): DerElement {
  const [element, end] = readElement(bytes);
  if (end !== bytes.length) throw new DerError("trailing bytes after the element");
  return expectTag(element, tag);
}

/** The elements inside a constructed element (a SEQUENCE, SET or explicit tag), in order. */
export function children(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const [child, next] = readElement(element.content, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

/** The element, if its tag is `tag`; else a DerError. */
export function expectTag(element: DerElement | undefined, tag: number): DerElement {
  if (!element) throw new DerError(`missing element (tag 0x${tag.toString(16)})`);
  if (element.tag !== tag) {
    throw new DerError(
      `expected tag 0x${tag.toString(16)}, found 0x${element.tag.toString(16)}`,
    );
  }
  return element;
}

/** An OBJECT IDENTIFIER's dotted form. */
export function oidText(element: DerElement): string {
  const bytes = expectTag(element, TAG.oid).content;
  if (bytes.length === 0) throw new DerError("empty object identifier");
  const first = bytes[0]!;
  const parts = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

/** An INTEGER's magnitude, without the sign padding byte (for comparing key moduli). */
export function unsignedInteger(element: DerElement): Uint8Array {
  let bytes = expectTag(element, TAG.integer).content;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes;
}

/** A UTCTime or GeneralizedTime (the forms DER allows: seconds, `Z`) as a Date. */
export function timeValue(element: DerElement): Date {
  const text = new TextDecoder().decode(element.content);
  let m: RegExpMatchArray | null;
  let year: number;
  if (element.tag === TAG.utcTime) {
    m = text.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/);
    if (!m) throw new DerError("malformed UTCTime");
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (element.tag === TAG.generalizedTime) {
    m = text.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/);
    if (!m) throw new DerError("malformed GeneralizedTime");
    year = Number(m[1]);
  } else {
    throw new DerError("expected a time");
  }
  const date = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)),
  );
  if (Number.isNaN(date.getTime())) throw new DerError("impossible date");
  return date;
}

/** A directory string's text (UTF8String, PrintableString, IA5String, T61String, BMPString...). */
export function stringValue(element: DerElement): string {
  const c = element.content;
  switch (element.tag) {
    case TAG.bmpString: {
      let s = "";
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode(c[i]! * 256 + c[i + 1]!);
      return s;
    }
    case TAG.universalString: {
      let s = "";
      for (let i = 0; i + 3 < c.length; i += 4) {
        const code = ((c[i]! * 256 + c[i + 1]!) * 256 + c[i + 2]!) * 256 + c[i + 3]!;
        s += code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
      }
      return s;
    }
    case TAG.t61String:
      return new TextDecoder("latin1").decode(c);
    default:
      return new TextDecoder().decode(c);
  }
}
