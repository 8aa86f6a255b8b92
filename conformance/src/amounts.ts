/**
 * Arithmetic an IAK bill answer must satisfy, whatever the amounts: `price` is `nominal` + `admin` (every
 * recorded sample agrees), and a PLN postpaid bill's itemised months add up to those totals. A provider
 * that swaps or reworks amounts passes every schema; these catch it.
 */
type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A whole number from a JSON number or XML text; undefined otherwise. */
function whole(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value);
  return undefined;
}

function details(data: Fields): Fields[] {
  const desc = data['desc'];
  const tagihan = isObject(desc) ? desc['tagihan'] : undefined;
  const detail = isObject(tagihan) ? tagihan['detail'] : undefined;
  if (Array.isArray(detail)) return detail.filter(isObject);
  return isObject(detail) ? [detail] : [];
}

function sum(rows: Fields[], key: string): bigint | undefined {
  let total = 0n;
  for (const row of rows) {
    const value = whole(row[key]);
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

/** The amount rules of one IAK answer's `data` (JSON, or the `<mp>` element decoded). */
export function iakAmountIssues(operation: string, data: Fields): string[] {
  const nominal = whole(data['nominal']);
  const admin = whole(data['admin']);
  const price = whole(data['price']);
  const issues: string[] = [];
  if (nominal !== undefined && admin !== undefined && price !== undefined && price !== nominal + admin) {
    issues.push(`${operation} amounts: price ${price} is not nominal ${nominal} + admin ${admin}`);
  }
  const rows = details(data);
  if (data['code'] === 'PLNPOSTPAID' && rows.length > 0) {
    const billed = sum(rows, 'nilai_tagihan');
    const fees = sum(rows, 'admin');
    if (billed !== undefined && nominal !== undefined && billed !== nominal)
      issues.push(`${operation} amounts: the months' nilai_tagihan add up to ${billed}, nominal says ${nominal}`);
    if (fees !== undefined && admin !== undefined && fees !== admin)
      issues.push(`${operation} amounts: the months' admin add up to ${fees}, admin says ${admin}`);
  }
  return issues;
}
