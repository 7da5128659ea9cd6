#!/bin/sh
# Starts RabbitMQ with deploy/rabbitmq/definitions.json, each service user's password hash
# filled in from the environment (INTAKE_BROKER_PASSWORD, …): the file in the repository holds
# placeholders only, and no guest or administrator user is defined (guest may only connect
# from inside the container, RabbitMQ's default).
set -eu
template=/etc/rabbitmq/definitions.template.json
rendered=/etc/rabbitmq/definitions.json
cp "$template" "$rendered.tmp"
for service in intake assessment referral notifications; do
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    eval "password=\${${upper}_BROKER_PASSWORD:-}"
    if [ -z "$password" ]; then
        echo "error: ${upper}_BROKER_PASSWORD is not set" >&2
        exit 1
    fi
    hash=$(rabbitmqctl hash_password "$password" | tail -n 1)
    sed -i "s|@${upper}_BROKER_PASSWORD_HASH@|${hash}|" "$rendered.tmp"
done
chmod 600 "$rendered.tmp"
mv "$rendered.tmp" "$rendered"
exec docker-entrypoint.sh rabbitmq-server
