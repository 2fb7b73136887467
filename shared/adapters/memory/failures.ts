/**
 * Errors queued for the next calls of a memory adapter's method (the error the real adapter would
 * throw): each call takes the first one queued for it.
 */
export class Failures<M extends string> {
  private readonly queues = new Map<M, Error[]>();

  /** The next `times` calls of `method` throw `error`. */
  failNext(method: M, error: Error, times = 1): void {
    const queue = this.queues.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(error);
    this.queues.set(method, queue);
  }

  protected takeFailure(method: M): void {
    const error = this.queues.get(method)?.shift();
    if (error) throw error;
  }
}
