-- Runs once, on the first start of the compose PostgreSQL volume (after 01-create-databases.sql).
-- The storage tables (objects) are under row-level security: storage queries as platform_storage_app (NOBYPASSRLS),
-- crosses tenants only as platform_storage_system (BYPASSRLS) and migrates as postgres (the owner).
-- What ensureServiceRoles (libs/platform/persistence) does; local passwords, like postgres's.
CREATE ROLE platform_storage_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'platform_storage_app';
CREATE ROLE platform_storage_system LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD 'platform_storage_system';
\connect platform_storage
GRANT CONNECT ON DATABASE platform_storage TO platform_storage_app, platform_storage_system;
GRANT USAGE ON SCHEMA public TO platform_storage_app, platform_storage_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO platform_storage_app, platform_storage_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO platform_storage_app, platform_storage_system;
