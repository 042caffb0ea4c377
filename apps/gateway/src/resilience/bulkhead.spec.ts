import { Bulkhead } from './bulkhead';

describe('Bulkhead', () => {
  it('admits up to maxInFlight (3) calls, refuses the 4th, and admits again once one leaves', () => {
    const bulkhead = new Bulkhead(3);
    expect([bulkhead.tryEnter(), bulkhead.tryEnter(), bulkhead.tryEnter()]).toEqual([true, true, true]);
    expect(bulkhead.inFlight).toBe(3);
    expect(bulkhead.tryEnter()).toBe(false);
    expect(bulkhead.inFlight).toBe(3);
    bulkhead.leave();
    expect(bulkhead.inFlight).toBe(2);
    expect(bulkhead.tryEnter()).toBe(true);
    expect(bulkhead.tryEnter()).toBe(false);
  });

  it('never counts below zero', () => {
    const bulkhead = new Bulkhead(1);
    bulkhead.leave();
    expect(bulkhead.inFlight).toBe(0);
    expect(bulkhead.tryEnter()).toBe(true);
    expect(bulkhead.tryEnter()).toBe(false);
  });
});
