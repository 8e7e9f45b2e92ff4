import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One at a time per key within this process, in arrival order, the waiting done in memory.
 *
 * In front of a database lock (the company's booking lock) it keeps the waiters from each
 * holding a pooled connection while they queue: under a burst of bookings for one company,
 * those connections would otherwise sit idle in `pg_advisory_xact_lock` while every other
 * request of the process waits for the pool. Only the work whose turn it is takes a connection
 * and the database lock, which still serialises it against the other processes.
 * Re-entrant: work that already holds the key runs at once (a nested call would otherwise wait
 * for itself). A failing turn passes the turn on like a succeeding one.
 */
export const createTurns = <K>() => {
  const tails = new Map<K, Promise<void>>();
  const holding = new AsyncLocalStorage<ReadonlySet<K>>();

  const inTurn = async <T>(key: K, work: () => Promise<T>): Promise<T> => {
    const held = holding.getStore();
    if (held?.has(key)) return work();
    const previous = tails.get(key);
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    tails.set(key, tail);
    try {
      if (previous) await previous;
      return await holding.run(new Set([...(held ?? []), key]), work);
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };

  /** How many keys have work running or waiting (for tests and metrics). */
  inTurn.busyKeys = () => tails.size;
  return inTurn;
};
