export * from './edge-principal.error';
export * from './edge-principal.token';
export * from './edge-principal.options';
export * from './edge-principal.module';
export * from './edge-principal.guard';
export * from './edge-problem.filter';
export * from './edge-principal.decorators';
export * from './edge-tenant';
