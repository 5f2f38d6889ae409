/**
 * §1.5 de-duplication: while the name is taken, split it into stem + last extension; a stem
 * ending in `(n)` becomes `(n+1)`, otherwise `(1)` is appended. Up to 1000 tries.
 */
export function nextFreeName(name: string, isTaken: (candidate: string) => boolean): string {
  let candidate = name;
  for (let i = 0; i < 1000 && isTaken(candidate); i++) candidate = bump(candidate);
  return candidate;
}

function bump(name: string): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const m = /^(.*)\((\d+)\)$/.exec(stem);
  return m ? `${m[1]}(${Number(m[2]) + 1})${ext}` : `${stem}(1)${ext}`;
}

/** The part of a name that every de-duplicated variant starts with (for a prefix query). */
export function nameStem(name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return stem.replace(/\(\d+\)$/, '');
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
