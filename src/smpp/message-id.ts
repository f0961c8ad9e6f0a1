/**
 * SMSC message ids, read in the format configured for each SMSC connection instead of guessed.
 * SMPP 3.4 §5.2.23 makes message_id an opaque C-Octet String; SMSCs differ in how they write the
 * same id in submit_sm_resp and in the delivery receipt (Appendix B's `id:`, or the
 * receipted_message_id TLV): hex in one and decimal in the other, zero-padded, either letter case.
 * Kannel configures this per SMSC (msg-id-type); so do we, once for each side of the pair.
 *
 * The canonical key is what both sides are stored and looked up under:
 * - 'hex' / 'decimal': the id is a number written in that base → `n:<decimal value>`. So "1234"
 *   read as hex and "4660" read as decimal are the same message, while "1234" hex and "1234"
 *   decimal are not (guessing both bases, as simpair once did, cannot tell these apart).
 * - 'string': an opaque id → `s:<id>` trimmed, lower-cased, leading zeros stripped ("0" stays).
 * The prefix keeps a numeric key from ever meeting a string one.
 */
export const MESSAGE_ID_FORMATS = ['hex', 'decimal', 'string'] as const;

export type MessageIdFormat = (typeof MESSAGE_ID_FORMATS)[number];

/** Per format: the digits it accepts and the base they are read in (BigInt: ids pass 2^53). */
const NUMERIC: Readonly<Record<Exclude<MessageIdFormat, 'string'>, { digits: RegExp; prefix: string }>> = {
  hex: { digits: /^[0-9a-f]+$/i, prefix: '0x' },
  decimal: { digits: /^[0-9]+$/, prefix: '' },
};

/** Null when the id is empty, or not a number in the configured base. */
export function canonicalMessageId(id: string, format: MessageIdFormat): string | null {
  // A C-Octet String's NUL (or a fixed-width field's padding) is not part of the id.
  const cleaned = id.replace(/^\s+|[\s\0]+$/g, '');
  if (cleaned === '') return null;
  if (format === 'string') return `s:${stripLeadingZeros(cleaned.toLowerCase())}`;
  const { digits, prefix } = NUMERIC[format];
  if (!digits.test(cleaned)) return null;
  return `n:${BigInt(prefix + cleaned).toString(10)}`;
}

function stripLeadingZeros(id: string): string {
  const stripped = id.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}
