#!/usr/bin/env bash
# Throughput and memory of a packaged MailRoute: N messages POSTed over HTTP (CONC at a time) to a
# relayhost that is Postfix's smtp-sink on 127.0.0.1. Prints the accept rate (HTTP 202 per second),
# the end-to-end delivery rate (accept to the sink's 250) and the relay's peak resident memory.
# Needs: target/mailroute.jar (mvn -B package -DskipTests), smtp-sink (Debian package postfix), curl.
# Usage: bench/throughput.sh            N=5000 CONC=16 SIZE=20000 bench/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
CONC=${CONC:-8}
SIZE=${SIZE:-4000}
SINK_PORT=${SINK_PORT:-2526}
HTTP_PORT=${HTTP_PORT:-18080}

command -v smtp-sink >/dev/null || { echo "bench: smtp-sink missing (apt-get install postfix)" >&2; exit 1; }
[ -f target/mailroute.jar ] || { echo "bench: build first: mvn -B package -DskipTests" >&2; exit 1; }

work=$(mktemp -d /tmp/mailroute-bench.XXXXXX)
chmod 777 "$work"
mkdir -p "$work/dump" && chmod 777 "$work/dump"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

user_opt=()
[ "$(id -u)" = 0 ] && user_opt=(-u nobody)
smtp-sink "${user_opt[@]}" -d "$work/dump/m." 127.0.0.1:$SINK_PORT 256 &
pids+=($!)

java -Dmailroute.data.dir="$work/data" -Dmailroute.http.port=$HTTP_PORT -Dmailroute.broker.port=$((HTTP_PORT + 1)) \
     -Dmailroute.console.port=$((HTTP_PORT + 2)) -Dmailroute.relayhost=127.0.0.1:$SINK_PORT -Dmailroute.helo-name=bench.test \
     -Dmailroute.routes.reload=false -jar target/mailroute.jar > "$work/relay.log" 2>&1 &
relay=$!
pids+=($relay)
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$HTTP_PORT/observe/health" >/dev/null 2>&1 && break; sleep 0.5; done

body=$(head -c $((SIZE * 3 / 4)) /dev/urandom | base64 -w 76)
printf 'From: bench@example.com\r\nTo: sink@example.org\r\nSubject: bench\r\n\r\n%s\r\n' "$body" > "$work/msg.eml"

peak=0
sample() { local r; r=$(ps -o rss= -p "$relay" 2>/dev/null || echo 0); r=${r// /}; [ "${r:-0}" -gt "$peak" ] && peak=$r; return 0; }

start=$(date +%s.%N)
seq 1 "$N" | xargs -P "$CONC" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
  -H 'Content-Type: message/rfc822' --data-binary @"$work/msg.eml" \
  "http://127.0.0.1:$HTTP_PORT/api/messages?from=bench@example.com&to=sink{}@example.org" > "$work/codes" &
poster=$!
while kill -0 $poster 2>/dev/null; do sample; sleep 0.2; done
accepted_at=$(date +%s.%N)
ok=$(grep -c '^202$' "$work/codes" || true)
while [ "$(find "$work/dump" -type f | wc -l)" -lt "$ok" ]; do
  sample; sleep 0.2
  [ "$(echo "$(date +%s.%N) - $accepted_at > 300" | bc)" = 1 ] && { echo "bench: deliveries stalled" >&2; break; }
done
done_at=$(date +%s.%N)
delivered=$(find "$work/dump" -type f | wc -l)

printf 'messages          %d x %d bytes, %d concurrent HTTP clients\n' "$N" "$(wc -c < "$work/msg.eml")" "$CONC"
printf 'accepted (202)    %d in %.1f s = %.0f msg/s\n' "$ok" "$(echo "$accepted_at - $start" | bc)" "$(echo "$ok / ($accepted_at - $start)" | bc -l)"
printf 'delivered         %d in %.1f s = %.0f msg/s end to end\n' "$delivered" "$(echo "$done_at - $start" | bc)" "$(echo "$delivered / ($done_at - $start)" | bc -l)"
printf 'relay peak RSS    %d MB\n' $((peak / 1024))
