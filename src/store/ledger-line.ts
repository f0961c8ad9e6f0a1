/**
 * One line of the double-entry journal: `amountMinor` moves from the `debit` account to the
 * `credit` account. The same fields, under these names (`amount` for the minor units), appear in
 * every account's journal stream, in the ledger's entry index and in outbox postings.
 */
export interface LedgerLine {
  at: number;
  kind: 'credit' | 'payment' | 'refund';
  transferId: string;
  debit: string;
  credit: string;
  amountMinor: number;
}

/** A stream entry's flat field list as an object. */
export function fieldsOf(fields: string[]): Record<string, string> {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return f;
}

/** The journal line a stream entry's fields hold. */
export function lineOf(f: Record<string, string>): LedgerLine {
  return { at: Number(f.at), kind: f.kind as LedgerLine['kind'], transferId: f.transferId, debit: f.debit, credit: f.credit, amountMinor: Number(f.amount) };
}
