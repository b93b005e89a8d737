/**
 * Progress on stderr, one reporter for every long command: one updating line on a terminal, a line
 * a quarter otherwise (logs stay short). `describe(done, total, ...)` words the line.
 */
export function progressReporter<A extends unknown[]>(
  describe: (done: number, total: number, ...rest: A) => string,
  minTotal = 0,
): (done: number, total: number, ...rest: A) => void {
  const tty = process.stderr.isTTY;
  let lastQuarter = 0;
  return (done, total, ...rest) => {
    if (total < minTotal) return;
    const line = describe(done, total, ...rest);
    if (tty) {
      process.stderr.write(`\r${line}   ${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor((4 * done) / total);
    if (quarter !== lastQuarter || done === total) process.stderr.write(`${line}\n`);
    lastQuarter = quarter;
  };
}
