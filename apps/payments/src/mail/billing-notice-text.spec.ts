import { composeBillingNotice } from './billing-notice-text';

describe('billing notice wording', () => {
  it('a prepaid month that ended says which plan, when it ended, how to renew and the suspension day', () => {
    const { subject, text } = composeBillingNotice({
      kind: 'renewal-due',
      plan: 'STARTER',
      periodEnd: new Date('2026-04-10T09:00:00.000Z'),
      suspendOn: new Date('2026-04-17T09:00:00.000Z'),
    });
    expect(subject).toBe("Your STARTER plan's month has ended: renew it");
    expect(text).toBe(
      'The month you paid for your STARTER plan with Mercado Pago ended on 2026-04-10. Mercado Pago payments do not renew by themselves: pay the next month from the billing page (checkout with Mercado Pago) before 2026-04-17, when the organization would be suspended.',
    );
  });

  it('a prepaid month about to end says when, and that the next can be paid ahead without losing a day', () => {
    expect(
      composeBillingNotice({
        kind: 'renewal-reminder',
        plan: 'STARTER',
        periodEnd: new Date('2026-07-01T08:00:00.000Z'),
      }),
    ).toEqual({
      subject: "Your STARTER plan's month ends on 2026-07-01",
      text: 'The month you paid for your STARTER plan with Mercado Pago ends on 2026-07-01, and Mercado Pago payments do not renew by themselves. You can pay the next month now from the billing page (checkout with Mercado Pago, same plan): it starts when this one ends, so no day is lost.',
    });
  });

  it('a reversed payment says the month is no longer paid and by when to pay it', () => {
    expect(
      composeBillingNotice({
        kind: 'payment-reversed',
        plan: 'ENTERPRISE',
        suspendOn: new Date('2026-02-19T10:00:00.000Z'),
      }),
    ).toEqual({
      subject: 'The payment for your ENTERPRISE plan was reversed',
      text: 'The Mercado Pago payment for the current month of your ENTERPRISE plan was refunded or charged back, so that month is no longer paid. Pay it from the billing page (checkout with Mercado Pago) before 2026-02-19, when the organization would be suspended.',
    });
  });

  it('a suspension tells how to reopen for either kind of provider', () => {
    expect(composeBillingNotice({ kind: 'suspended', plan: 'PROFESSIONAL' })).toEqual({
      subject: 'Your organization is suspended',
      text: 'The payment for your PROFESSIONAL plan could not be collected after several attempts, so your organization is suspended. Pay what is owed from the billing page (the open invoice, or a new checkout for a Mercado Pago month) to reopen it at once.',
    });
  });
});
