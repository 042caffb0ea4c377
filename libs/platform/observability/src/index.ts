export * from './metrics';
export * from './propagator';
export * from './tracing';
export * from './testing-tracing';
