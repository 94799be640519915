import { QueueFullError } from '../errors';

/**
 * Runs tasks one at a time per key, in arrival order, within this process: two turns of one
 * conversation never overlap, and a turn that arrives while another runs waits for it. The queue
 * per key is bounded; past `maxWaiting` the caller is told (QueueFullError) instead of waiting.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, { tail: Promise<unknown>; waiting: number }>();

  constructor(private readonly maxWaiting = 20) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (entry.waiting >= this.maxWaiting) return Promise.reject(new QueueFullError(key));
    entry.waiting += 1;
    const result = entry.tail.then(task, task);
    entry.tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, entry);
    void entry.tail.then(() => {
      entry.waiting -= 1;
      if (entry.waiting === 0 && this.tails.get(key) === entry) this.tails.delete(key);
    });
    return result;
  }
}
