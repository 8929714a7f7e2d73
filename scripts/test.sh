#!/usr/bin/env bash
# Runs every MailRoute test: `mvn -B verify` runs the unit and in-JVM end-to-end tests (surefire),
# packages target/mailroute.jar, then runs the interop suite (failsafe, *IT) with that jar against
# real peers (Postfix, smtp-sink, Knot DNS, a standalone Artemis) started by scripts/peers.sh.
# The peers need root (Debian packages, port 25 on 127.0.0.x); without root the interop tests are
# skipped, loudly. Extra arguments go to Maven, e.g. -Dit.test=DnsIT.
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  if [[ $arg == clean ]]; then
    echo "scripts/test.sh: run 'mvn clean' separately: the peers keep their state under target/peers" >&2
    exit 2
  fi
done

if [[ $(id -u) != 0 ]]; then
  banner='!!!!!!!! INTEROP TESTS SKIPPED: they need root to start the real peers (scripts/peers.sh). Run: sudo scripts/test.sh'
  echo "$banner" >&2
  status=0
  mvn -B verify -DskipITs "$@" || status=$?
  echo "$banner" >&2
  exit $status
fi

# shellcheck disable=SC2317 # called by the EXIT trap
stop_peers() {
  scripts/peers.sh stop || echo "scripts/test.sh: scripts/peers.sh stop failed; check scripts/peers.sh status" >&2
}
trap stop_peers EXIT
scripts/peers.sh start
status=0
mvn -B verify "$@" || status=$?
exit $status
