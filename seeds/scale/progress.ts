/** A one-line progress bar on a terminal (nothing when output goes to a file or a pipe). */
export class Progress {
  private readonly started = performance.now()
  private readonly tty = !!process.stderr.isTTY && !process.env.CI
  private lastDraw = 0

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(n: number): void {
    if (!this.tty) return
    const now = performance.now()
    if (now - this.lastDraw < 100 && n < this.total) return
    this.lastDraw = now
    const share = this.total > 0 ? Math.min(1, n / this.total) : 1
    const width = 30
    const filled = Math.round(share * width)
    const seconds = (now - this.started) / 1000
    const rate = n / Math.max(seconds, 0.001)
    const eta = rate > 0 ? Math.max(0, (this.total - n) / rate) : 0
    process.stderr.write(
      `\r  ${this.label.padEnd(28)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` +
        `${String(Math.round(share * 100)).padStart(3)} %  ${n.toLocaleString('en')}/${this.total.toLocaleString('en')}  ` +
        `${Math.round(rate).toLocaleString('en')} rows/s  ETA ${eta.toFixed(0)} s   `,
    )
  }

  done(n: number): void {
    this.update(n)
    if (this.tty) process.stderr.write('\r\x1b[2K')
  }
}
