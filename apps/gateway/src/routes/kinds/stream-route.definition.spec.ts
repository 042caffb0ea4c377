import {
  defineStreamRoute,
  signedUrlStreamProblems,
  type StreamRouteDefinition,
} from './stream-route.definition';

describe('signed-url stream routes', () => {
  const base = {
    id: 'files.signed',
    path: '/v1/files/:id',
    service: 'storage',
    rateLimit: 'public',
    success: { description: 'bytes' },
    tag: 'Files',
    summary: 'Signed download',
  } as const;

  it('accept a public, read-only, bodiless entry', () => {
    const route = defineStreamRoute({
      ...base,
      methods: ['GET', 'HEAD'],
      auth: 'public',
      credential: 'signed-url',
      maxBodyBytes: 0,
    });
    expect(signedUrlStreamProblems(route)).toEqual([]);
  });

  it('refuse a public stream that is not signed-url, one that takes bytes, and one that is not public', () => {
    // Built around the types on purpose: what a cast or a JSON table could produce.
    const loose = (fields: Record<string, unknown>) =>
      ({ ...base, kind: 'stream', ...fields }) as unknown as StreamRouteDefinition;
    expect(signedUrlStreamProblems(loose({ methods: ['GET'], auth: 'public', maxBodyBytes: 0 }))).toEqual([
      "files.signed: a public stream route must be credential 'signed-url'",
    ]);
    expect(
      signedUrlStreamProblems(
        loose({ methods: ['GET', 'PUT'], auth: 'public', credential: 'signed-url', maxBodyBytes: 1024 }),
      ),
    ).toEqual([
      'files.signed: a signed-url stream route serves GET and HEAD only',
      'files.signed: a signed-url stream route takes no body (maxBodyBytes 0)',
    ]);
    expect(
      signedUrlStreamProblems(
        loose({ methods: ['GET'], auth: 'storage:read', credential: 'signed-url', maxBodyBytes: 0 }),
      ),
    ).toEqual(['files.signed: a signed-url stream route is public (the URL is the credential)']);
  });
});
