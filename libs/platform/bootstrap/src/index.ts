export * from './tokens';
export * from './service-core.module';
export * from './bootstrap-service';
export * from './http-instrumentation';
export * from './define-backend-service';
export * from './messaging-options';
export * from './request-timeout-exemption';
export * from './periodic-run';
