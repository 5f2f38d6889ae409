/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes each item as a call
 * argument and overflows the stack for large arrays (a 200k-line text file); this never does.
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}
