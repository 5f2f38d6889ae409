import { pythonRepr } from '@rag/contracts';
import { pyError } from './py.js';

/**
 * A body value written to a string column: strings as given, null kept, anything else as Python's
 * `str()` would store it; longer than the column is MySQL's DataError, as upstream.
 */
export function stringColumn(column: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : pythonRepr(value);
  if ([...text].length > max) throw pyError('DataError', `Data too long for column '${column}' at row 1`);
  return text;
}

/** `YYYY_MM_DD_HH_MM_SS` (UTC) of a version snapshot's title. */
export function versionStamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}`;
}
