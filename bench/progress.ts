/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
export class Progress {
  private doneCount = 0;
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = Date.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  add(n: number): void {
    this.doneCount += n;
    this.draw(false);
  }

  done(): void {
    this.doneCount = this.total;
    this.draw(true);
    if (this.tty) process.stderr.write('\n');
  }

  private draw(force: boolean): void {
    const fraction = this.total === 0 ? 1 : Math.min(1, this.doneCount / this.total);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.tty) {
      if (!force && Date.now() - this.lastDraw < 100) return;
      this.lastDraw = Date.now();
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${this.doneCount}/${this.total} rows  ${seconds} s`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    process.stderr.write(`${this.label}: ${(fraction * 100).toFixed(0)}% (${this.doneCount}/${this.total} rows, ${seconds} s)\n`);
  }
}
