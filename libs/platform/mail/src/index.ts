export * from './mailer.port';
export * from './smtp-mailer.adapter';
export * from './log-mailer.adapter';
export * from './create-mailer';
