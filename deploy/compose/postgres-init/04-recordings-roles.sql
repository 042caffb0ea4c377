-- Runs once, on the first start of the compose PostgreSQL volume (after 01-create-databases.sql).
-- The recordings tables are under row-level security: recordings queries as platform_recordings_app (NOBYPASSRLS),
-- crosses tenants only as platform_recordings_system (BYPASSRLS) and migrates as postgres (the owner).
-- What ensureServiceRoles (libs/platform/persistence) does; local passwords, like postgres's.
CREATE ROLE platform_recordings_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'platform_recordings_app';
CREATE ROLE platform_recordings_system LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD 'platform_recordings_system';
\connect platform_recordings
GRANT CONNECT ON DATABASE platform_recordings TO platform_recordings_app, platform_recordings_system;
GRANT USAGE ON SCHEMA public TO platform_recordings_app, platform_recordings_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO platform_recordings_app, platform_recordings_system;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO platform_recordings_app, platform_recordings_system;
