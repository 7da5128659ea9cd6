#!/bin/sh
# Starts RabbitMQ with deploy/rabbitmq/definitions.json, each service user's password hash
# filled in from the environment (INTAKE_BROKER_PASSWORD, …): the file in the repository holds
# placeholders only, and no guest or administrator user is defined (guest may only connect
# from inside the container, RabbitMQ's default).
set -eu
umask 077

# RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4-byte salt.
hash_password() {
    work=$(mktemp -d)
    openssl rand 4 > "$work/salt"
    printf '%s' "$1" > "$work/password"
    cat "$work/salt" "$work/password" | openssl dgst -sha256 -binary > "$work/digest"
    cat "$work/salt" "$work/digest" | openssl base64 -A
    rm -rf "$work"
}

template=/etc/rabbitmq/definitions.template.json
rendered=/etc/rabbitmq/definitions.json
cp "$template" "$rendered.tmp"
for service in intake assessment referral notifications quality; do
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    eval "password=\${${upper}_BROKER_PASSWORD:-}"
    if [ -z "$password" ]; then
        echo "error: ${upper}_BROKER_PASSWORD is not set" >&2
        exit 1
    fi
    hash=$(hash_password "$password")
    sed -i "s|@${upper}_BROKER_PASSWORD_HASH@|${hash}|" "$rendered.tmp"
done
mv "$rendered.tmp" "$rendered"
# Readable by the server alone, whichever user this script runs as.
if [ "$(id -u)" = 0 ]; then
    chown rabbitmq:rabbitmq "$rendered"
fi
chmod 600 "$rendered"
exec docker-entrypoint.sh rabbitmq-server
