import { describe, expect, it } from 'vitest';
import { createEventHistory, createRunEventBus, type RunEvent } from '../../src/profile/events.js';
import { ManualClock } from '../../src/util/clock.js';

const warning = (message: string) => ({ type: 'warning', message }) as const;

describe('RunEventBus', () => {
  it('stamps every event with the runId and the clock time since the start, and hands it to every subscriber in order', () => {
    const clock = new ManualClock(1_000);
    const bus = createRunEventBus({ runId: 'run-7', clock, startMs: 900 });
    const a: RunEvent[] = [];
    const b: RunEvent[] = [];
    const order: string[] = [];
    bus.subscribe((e) => {
      a.push(e);
      order.push('a');
    });
    bus.subscribe((e) => {
      b.push(e);
      order.push('b');
    });
    const first = bus.publish({ type: 'phase', phase: 'corpus', message: 'images' });
    clock.advanceMs(250.5);
    bus.publish(warning('careful'));
    expect(first).toEqual({ type: 'phase', phase: 'corpus', message: 'images', runId: 'run-7', atMs: 100 });
    expect(a).toEqual([first, { type: 'warning', message: 'careful', runId: 'run-7', atMs: 350.5 }]);
    expect(b).toEqual(a);
    expect(order).toEqual(['a', 'b', 'a', 'b']);
    expect(bus.elapsedMs()).toBe(350.5);
  });

  it('starts at its creation by default', () => {
    const clock = new ManualClock(42);
    const bus = createRunEventBus({ runId: 'r', clock });
    clock.advanceMs(8);
    expect(bus.publish(warning('w')).atMs).toBe(8);
  });

  it('unsubscribe stops that subscriber only; twice is harmless; one function subscribed twice is two subscriptions', () => {
    const bus = createRunEventBus({ runId: 'r', clock: new ManualClock() });
    const seen: string[] = [];
    const listener = (e: RunEvent): void => {
      seen.push(`x:${e.type === 'warning' ? e.message : e.type}`);
    };
    const offX1 = bus.subscribe(listener);
    const offX2 = bus.subscribe(listener);
    const offY = bus.subscribe((e) => seen.push(`y:${e.type === 'warning' ? e.message : e.type}`));
    bus.publish(warning('1'));
    offX1();
    offX1();
    bus.publish(warning('2'));
    offY();
    bus.publish(warning('3'));
    offX2();
    bus.publish(warning('4'));
    expect(seen).toEqual(['x:1', 'x:1', 'y:1', 'x:2', 'y:2', 'x:3']);
  });

  it('a subscriber may unsubscribe while being called: the others still get that event', () => {
    const bus = createRunEventBus({ runId: 'r', clock: new ManualClock() });
    const seen: string[] = [];
    const off = bus.subscribe(() => {
      seen.push('once');
      off();
    });
    bus.subscribe(() => seen.push('always'));
    bus.publish(warning('1'));
    bus.publish(warning('2'));
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});

describe('createEventHistory', () => {
  it('replays what was published to a late joiner, then delivers the new events, none lost or twice', () => {
    const bus = createRunEventBus({ runId: 'r', clock: new ManualClock() });
    const history = createEventHistory(bus);
    bus.publish(warning('1'));
    bus.publish(warning('2'));
    const late: string[] = [];
    const off = history.replay((e) => late.push(e.type === 'warning' ? e.message : e.type));
    bus.publish(warning('3'));
    off();
    bus.publish(warning('4'));
    expect(late).toEqual(['1', '2', '3']);
    expect(history.events().map((e) => (e.type === 'warning' ? e.message : ''))).toEqual(['1', '2', '3', '4']);
    history.close();
    bus.publish(warning('5'));
    expect(history.events()).toHaveLength(4);
  });

  it('is bounded: the oldest events go first, except the types it is told to keep', () => {
    const clock = new ManualClock();
    const bus = createRunEventBus({ runId: 'r', clock });
    const history = createEventHistory(bus, { limit: 3, keep: ['phase'] });
    bus.publish({ type: 'phase', phase: 'warmup', message: 'w' });
    for (let i = 1; i <= 5; i++) {
      clock.advanceMs(1000);
      bus.publish({ type: 'tick', elapsedMs: i * 1000, completed: i, failed: 0, dropped: 0, throughputRps: 1 });
    }
    bus.publish({ type: 'phase', phase: 'drain', message: 'd' });
    const kept = history.events().map((e) => (e.type === 'tick' ? `tick${e.completed}` : e.type === 'phase' ? e.phase : e.type));
    expect(kept).toEqual(['warmup', 'tick3', 'tick4', 'tick5', 'drain']);
  });
});
