import { z } from 'zod';
import { AUTH_RPC, authRpcSchemas } from '../auth/auth-rpc';
import { authContract } from '../auth/auth-contract';
import { expectMatchesContract } from './contract-conformance';
import {
  eventPayloadSchema,
  rpcContractEntry,
  type PlatformEventInput,
  type PlatformRpcRequest,
  type PlatformRpcResult,
} from './platform-contracts';
import { PLATFORM_CONTRACTS } from './platform-contracts';
import { defineServiceContract, type ContractRequest, type ContractResult } from './service-contract';

describe('service contracts', () => {
  it('holds exactly one contract map per backend service, and the gateway (events only)', () => {
    expect(PLATFORM_CONTRACTS.map((contract) => contract.service).sort()).toEqual([
      'analytics',
      'audio-worker',
      'auth',
      'campaigns',
      'gateway',
      'payments',
      'recordings',
      'storage',
      'voice',
    ]);
  });

  it("auth's contract is its existing RPC map, unchanged, plus the events it publishes", () => {
    expect(authContract.service).toBe('auth');
    expect(authContract.rpc).toBe(authRpcSchemas);
    expect(Object.keys(authContract.events).sort()).toEqual([
      'auth.api-key.revoked',
      'auth.member.joined',
      'auth.member.removed',
      'auth.organization.created',
    ]);
  });

  it('finds a pattern or an event of any service contract by name alone', () => {
    expect(rpcContractEntry('auth.member.list')).toBe(authRpcSchemas['auth.member.list']);
    expect(rpcContractEntry('voice.session.start')).toBeUndefined();
    expect(
      eventPayloadSchema('payments.subscription.activated')?.parse({ organizationId: 'o', plan: 'STARTER' }),
    ).toEqual({ organizationId: 'o', plan: 'STARTER' });
    expect(eventPayloadSchema('storage.nothing.happened')).toBeUndefined();
  });

  it("refuses a pattern or an event outside the service's own namespace", () => {
    const entry = { request: z.object({}), result: z.object({}) };
    expect(() =>
      // @ts-expect-error -- the compiler already refuses another service's pattern
      defineServiceContract({ service: 'voice', rpc: { 'storage.upload.start': entry }, events: {} }),
    ).toThrow('RPC pattern "storage.upload.start" must be voice.<entity>.<verb>');
    expect(() =>
      defineServiceContract({ service: 'voice', rpc: {}, events: { 'voice.session': z.object({}) } }),
    ).toThrow('Event "voice.session" must be voice.<entity>.<past tense>');
  });

  it('fails a handler result that drifted from the contract, naming the paths', () => {
    const good = { items: [], nextCursor: null };
    const drifted = {
      items: [{ userId: 'u-1', email: 'a@b.c', role: 'owner', joinedAt: '2026-01-01' }],
      nextCursor: null,
    };

    expect(expectMatchesContract(authContract, AUTH_RPC.listMembers, good)).toEqual(good);
    expect(() => expectMatchesContract(authContract, AUTH_RPC.listMembers, drifted)).toThrow(
      /Result of "auth.member.list" does not match the auth contract:\n {2}items\.0\.userId: .*\n {2}items\.0\.name: /,
    );
  });

  it('types requests, results and event payloads from the name alone (checked by tsc)', () => {
    const request: PlatformRpcRequest<'auth.member.change-role'> = { userId: 'u', role: 'admin' };
    // @ts-expect-error -- 'root' is not a role of the contract
    const badRole: PlatformRpcRequest<'auth.member.change-role'> = { userId: 'u', role: 'root' };
    const result: PlatformRpcResult<'auth.api-key.revoke'> = { revoked: true };
    // @ts-expect-error -- the contract's result is `{ revoked: true }`
    const badResult: PlatformRpcResult<'auth.api-key.revoke'> = { removed: true };
    const data: ContractRequest<typeof authContract, 'auth.api-key.create'> = { name: 'ci', scopes: [] };
    const answer: ContractResult<typeof authContract, 'auth.session.logout-all'> = { sessionsRevoked: 2 };
    const badEvent: PlatformEventInput<'payments.subscription.activated'> = {
      organizationId: 'o',
      // @ts-expect-error -- plan must be one of the plan codes
      plan: 'GOLD',
    };
    expect([request, badRole, result, badResult, data, answer, badEvent]).toHaveLength(7);
  });
});
