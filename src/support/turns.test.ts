import { createTurns } from './turns';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('turns (one at a time per key, in this process)', () => {
  it('runs the work of one key one after another, in arrival order', async () => {
    const inTurn = createTurns<number>();
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const work = (name: string) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      log.push(`${name} start`);
      await tick();
      await tick();
      log.push(`${name} end`);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => inTurn(1, work(name))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(peak).toBe(1);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(inTurn.busyKeys()).toBe(0);
  });

  it('lets different keys run at the same time', async () => {
    const inTurn = createTurns<number>();
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    await Promise.all([inTurn(1, work), inTurn(2, work), inTurn(3, work)]);
    expect(peak).toBe(3);
  });

  it('passes the turn on when the work fails', async () => {
    const inTurn = createTurns<string>();
    const failing = inTurn('k', async () => {
      await tick();
      throw new Error('refused');
    });
    const next = inTurn('k', async () => 'second');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('second');
    expect(inTurn.busyKeys()).toBe(0);
  });

  it('is re-entrant: work holding the key may take it again without waiting for itself', async () => {
    const inTurn = createTurns<number>();
    const nested = await inTurn(7, () => inTurn(7, async () => 'inner'));
    expect(nested).toBe('inner');
    // ...while a nested call for another key still waits for that key's turn.
    const order: string[] = [];
    const other = inTurn(8, async () => {
      await tick();
      order.push('other');
    });
    await inTurn(7, () =>
      inTurn(8, async () => {
        order.push('nested 8');
      })
    );
    await other;
    expect(order).toEqual(['other', 'nested 8']);
  });
});
