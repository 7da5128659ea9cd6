#!/bin/sh
# Run once by the postgres image on its first start (empty data volume). One database per
# service, owned by the migration role (which creates the tables), and one login role per
# service with data rights on its own database only: no service can read another's tables,
# and no service can change a schema.
set -eu
for name in MIGRATION INTAKE ASSESSMENT REFERRAL NOTIFICATIONS QUALITY PORTAL; do
    eval "value=\${${name}_DB_PASSWORD:-}"
    if [ -z "$value" ]; then
        echo "error: ${name}_DB_PASSWORD is not set" >&2
        exit 1
    fi
done

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v migration_password="$MIGRATION_DB_PASSWORD" <<'SQL'
CREATE ROLE migrator LOGIN PASSWORD :'migration_password';
SQL

for service in intake assessment referral notifications quality portal; do
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    eval "password=\${${upper}_DB_PASSWORD}"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER migrator;
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$service" \
        -v role="$service" <<'SQL'
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"role";
SQL
done
