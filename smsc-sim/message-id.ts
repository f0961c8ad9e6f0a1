// Message ids as SMSCs write them. SMPP 3.4 §5.2.23 only says message_id is a C-octet string of
// up to 65 octets; in practice SMSCs use hex or decimal, and some use one form in submit_sm_resp
// and the other in the receipt (Appendix B's text `id:` field, §5.3.2.12 receipted_message_id).
import type { IdFormat } from './config';

const RADIX: Readonly<Record<IdFormat, number>> = { hex: 16, decimal: 10 };

export function formatId(n: number, format: IdFormat): string {
  return n.toString(RADIX[format]);
}
