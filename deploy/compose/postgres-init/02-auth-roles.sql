-- Runs once, on the first start of the compose PostgreSQL volume (after 01-create-databases.sql).
-- Auth's tables are under row-level security: it queries as platform_auth_app (NOBYPASSRLS),
-- crosses tenants only as platform_auth_system (BYPASSRLS) and migrates as postgres (the owner).
-- What ensureServiceRoles (libs/platform/persistence) does; local passwords, like postgres's.
CREATE ROLE platform_auth_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'platform_auth_app';
CREATE ROLE platform_auth_system LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD 'platform_auth_system';
\connect platform_auth
GRANT CONNECT ON DATABASE platform_auth TO platform_auth_app, platform_auth_system;
GRANT USAGE ON SCHEMA public TO platform_auth_app, platform_auth_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO platform_auth_app, platform_auth_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO platform_auth_app, platform_auth_system;
