/** Where the launcher writes its own notes and its children's lines, each with a name prefix. */
export interface Output {
  /** One line a child printed. */
  line(name: string, text: string, stream: 'stdout' | 'stderr'): void;
  /** One line of the launcher's own. */
  note(text: string): void;
  warn(text: string): void;
}

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];

/** Prefixes every line with `name |`, padded so the columns line up, coloured on a terminal. */
export function consoleOutput(names: readonly string[], stream: NodeJS.WriteStream = process.stdout): Output {
  const width = Math.max('launcher'.length, ...names.map((n) => n.length));
  const color = stream.isTTY && !process.env.NO_COLOR;
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  // A reader that went away (a closed pipe, `| head`) must not crash the launcher mid-shutdown:
  // the children still have to be stopped in order, silently.
  let closed = false;
  stream.on('error', () => (closed = true));
  const write = (text: string) => void (closed || stream.write(text));
  const prefix = (name: string) => {
    const i = names.indexOf(name);
    return paint(i < 0 ? 1 : COLORS[i % COLORS.length]!, `${name.padEnd(width)} |`);
  };
  return {
    line: (name, text) => write(`${prefix(name)} ${text}\n`),
    note: (text) => write(`${prefix('launcher')} ${text}\n`),
    warn: (text) => write(`${prefix('launcher')} ${paint(33, `warning: ${text}`)}\n`),
  };
}
