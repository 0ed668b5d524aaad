/** Where the CLI writes, so tests can capture it. */
export interface CliIo {
  url: string;
  isTty: boolean;
  /** The terminal's width, when it has one. */
  columns?: number;
  out(line: string): void;
  err(line: string): void;
  /** A progress line: redrawn in place on a terminal, printed as a line otherwise. */
  progress(line: string): void;
  clearProgress(): void;
}

export function processIo(url: string): CliIo {
  const isTty = Boolean(process.stdout.isTTY);
  let shown = false;
  return {
    url,
    isTty,
    get columns() {
      return process.stdout.columns;
    },
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progress: (line) => {
      if (isTty) {
        process.stdout.write(`\r\x1b[2K${line}`);
        shown = true;
      } else process.stdout.write(`${line}\n`);
    },
    clearProgress: () => {
      if (isTty && shown) process.stdout.write('\r\x1b[2K');
      shown = false;
    },
  };
}
