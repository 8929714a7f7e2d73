#!/usr/bin/env bash
# Runs every MailRoute test: unit and in-JVM end-to-end tests, then the interop suite against
# real peers (Postfix, smtp-sink, Knot DNS, a standalone Artemis) when scripts/peers.sh exists.
# Needs root for the peers (Debian packages, port 25 on 127.0.0.x).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
