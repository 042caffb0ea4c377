-- Runs once, on the first start of the compose PostgreSQL volume.
-- Keep in sync with SERVICE_DATABASES in scripts/db/create-databases.ts (a spec checks it).
CREATE DATABASE platform_auth;
CREATE DATABASE platform_payments;
CREATE DATABASE platform_recordings;
CREATE DATABASE platform_voice;
CREATE DATABASE platform_storage;
CREATE DATABASE platform_audio_worker;
CREATE DATABASE platform_campaigns;
CREATE DATABASE platform_analytics;
