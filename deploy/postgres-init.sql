-- Run by the postgres image on first start (docker-compose.yml): one database per service.
CREATE DATABASE sandbox_applications OWNER sandbox;
CREATE DATABASE ai_system_registry OWNER sandbox;
CREATE DATABASE incident_claims OWNER sandbox;
