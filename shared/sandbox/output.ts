/** One output stream of a job, kept up to a byte limit; past it the stream is marked truncated. */
export class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(
    readonly name: 'stdout' | 'stderr',
    readonly limit: number,
  ) {}

  /** Adds a chunk; false once the stream has gone past its limit. */
  push(chunk: Buffer): boolean {
    this.seen += chunk.length;
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    return this.seen <= this.limit;
  }

  get truncated(): boolean {
    return this.seen > this.limit;
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    if (!this.truncated) return body;
    return `${body}\n…[${this.name} truncated: the job wrote more than the limit of ${this.limit} bytes and was stopped]\n`;
  }
}
