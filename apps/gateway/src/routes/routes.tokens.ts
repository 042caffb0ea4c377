/** The route table the public API is built from (the real one, unless a test bed adds its own routes). */
export const ROUTES = Symbol('ROUTES');
