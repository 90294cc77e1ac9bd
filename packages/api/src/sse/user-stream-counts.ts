/** Open streams per user, for the per-user limit; a user with none holds no entry. */
export class UserStreamCounts {
  private readonly counts = new Map<string, number>();

  /** Users holding at least one stream. */
  get users(): number {
    return this.counts.size;
  }

  of(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }

  add(userId: string): void {
    this.counts.set(userId, this.of(userId) + 1);
  }

  remove(userId: string): void {
    const left = this.of(userId) - 1;
    if (left <= 0) this.counts.delete(userId);
    else this.counts.set(userId, left);
  }
}
