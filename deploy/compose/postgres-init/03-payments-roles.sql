-- Runs once, on the first start of the compose PostgreSQL volume (after 01-create-databases.sql).
-- Payments' tables (subscriptions, invoices) are under row-level security: payments queries as platform_payments_app (NOBYPASSRLS),
-- crosses tenants only as platform_payments_system (BYPASSRLS) and migrates as postgres (the owner).
-- What ensureServiceRoles (libs/platform/persistence) does; local passwords, like postgres's.
CREATE ROLE platform_payments_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'platform_payments_app';
CREATE ROLE platform_payments_system LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD 'platform_payments_system';
\connect platform_payments
GRANT CONNECT ON DATABASE platform_payments TO platform_payments_app, platform_payments_system;
GRANT USAGE ON SCHEMA public TO platform_payments_app, platform_payments_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO platform_payments_app, platform_payments_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO platform_payments_app, platform_payments_system;
