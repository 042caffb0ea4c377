import { assertHooksMatchRoutes, type RouteHook } from './route-hooks';

const hook: RouteHook = { before: async () => undefined };

describe('route hooks', () => {
  it('accepts hooks whose routes are in the table', () => {
    expect(() =>
      assertHooksMatchRoutes(new Map([['auth.login', hook]]), ['auth.login', 'auth.register']),
    ).not.toThrow();
  });

  it('refuses to start with a hook for a route the table lacks (a renamed route would lose its guard)', () => {
    expect(() =>
      assertHooksMatchRoutes(
        new Map([
          ['auth.signIn', hook],
          ['auth.login', hook],
          ['auth.logIn', hook],
        ]),
        ['auth.login'],
      ),
    ).toThrow(new Error('Route hooks for routes that are not in the route table: auth.signIn, auth.logIn'));
  });
});
