import { authContract, type RpcEnvelope } from '@platform/contracts';
import { contractCaller, type EnvelopeRpc } from './contract-caller';

/** An RPC endpoint that answers every call with `reply` and records what it was sent. */
function answering(reply: unknown): EnvelopeRpc & { sent: { pattern: string; envelope: RpcEnvelope }[] } {
  const sent: { pattern: string; envelope: RpcEnvelope }[] = [];
  return {
    sent,
    async call<T>(pattern: string, envelope: RpcEnvelope): Promise<T> {
      sent.push({ pattern, envelope });
      return reply as T;
    },
  };
}

const member = {
  userId: '7d4c1f0e-3b2a-4c5d-8e9f-0a1b2c3d4e5f',
  email: 'ada@example.test',
  name: 'Ada',
  role: 'developer',
  joinedAt: '2026-01-01T00:00:00.000Z',
};

describe('contractCaller', () => {
  it('sends the data as an envelope with the principal and a request id, and returns a conforming reply', async () => {
    const rpc = answering({ items: [member], nextCursor: null });
    const call = contractCaller(rpc, authContract);

    await expect(call('auth.member.list', {}, null)).resolves.toEqual({ items: [member], nextCursor: null });
    expect(rpc.sent).toEqual([
      {
        pattern: 'auth.member.list',
        envelope: {
          principal: null,
          data: {},
          meta: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        },
      },
    ]);
  });

  it('fails a reply that drifted from the contract, naming the offending field', async () => {
    const drifted = { items: [{ ...member, role: undefined, roleName: 'developer' }], nextCursor: null };
    const call = contractCaller(answering(drifted), authContract);

    await expect(call('auth.member.list', {})).rejects.toThrow(
      /Result of "auth.member.list" does not match the auth contract:\n {2}items\.0\.role:/,
    );
  });
});
