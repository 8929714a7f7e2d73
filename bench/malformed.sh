#!/usr/bin/env bash
# Malformed mail through MailRoute and through a Postfix relay, side by side.
#
# N damaged real-world-like messages (src/test/.../sanitize/MalformedMessages, seeded: the same SEED gives the same
# bytes) are each POSTed to a packaged MailRoute and handed to a Postfix 3 relay with `sendmail -i`. Both relays send
# to their own strict Postfix that announces neither 8BITMIME nor SMTPUTF8, refuses bare LF and refuses 8-bit data
# (as scripts/peers.sh's strict peer). Prints for each relay: refused at the door, delivered, bounced, internal errors,
# and messages the strict server refused for their wire form (bare LF, 8-bit data). Envelope sender is <> for both,
# so no bounce goes anywhere; recipient rcpt-I@bench.test identifies message I in the strict servers' logs.
#
# Needs root (Postfix instances), Debian's postfix, curl, and a build:
#   mvn -B package -DskipTests && mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
# Usage: bench/malformed.sh         N=3000 SEED=15 bench/malformed.sh
# Addresses 127.0.0.31-33 and ports 2525/10025/18090-18092 are its own (scripts/peers.sh uses 127.0.0.2-20 port 25).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-3000}
SEED=${SEED:-15}
CONC=${CONC:-4}
HTTP_PORT=${HTTP_PORT:-18090}
WAIT=${WAIT:-180} # seconds to wait for the queues to drain after the last submission
STRICT_MR=127.0.0.31   # strict next hop of MailRoute
STRICT_PF=127.0.0.32   # strict next hop of the Postfix relay
RELAY_PF=127.0.0.33    # the Postfix relay's own smtpd (unused, but master.cf needs an address)

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it starts Postfix instances)"
command -v postfix >/dev/null || die "postfix missing (apt-get install postfix postfix-pcre)"
[ -f target/mailroute.jar ] || die "build first: mvn -B package -DskipTests"
[ -f target/cp.txt ] && [ -d target/test-classes ] ||
  die "build the generator: mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt"

work=$(mktemp -d /tmp/mailroute-malformed.XXXXXX)
chmod 755 "$work"
relay_pid=
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true
  for i in strict-mr strict-pf relay-pf; do
    [ -f "$work/$i/etc/main.cf" ] && postfix -c "$work/$i/etc" stop >/dev/null 2>&1 || true
  done
  [ -n "${KEEP:-}" ] && echo "bench: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# $1 name, $2 address, $3 port, $4 "final" (delivers to a Maildir) or "relay", then extra main.cf lines
postfix_instance() {
  local name=$1 addr=$2 port=$3 kind=$4 d=$work/$1
  shift 4
  mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/mail"
  chown postfix:postfix "$d/data"
  chown nobody:nogroup "$d/mail"
  cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $name.bench.test
mydestination =
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
biff = no
maillog_file = $d/maillog
maillog_file_prefixes = $work
EOF
  [ "$kind" = final ] && cat >>"$d/etc/main.cf" <<EOF
virtual_mailbox_domains = static:all
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
EOF
  printf '%s\n' "$@" >>"$d/etc/main.cf"
  awk -v listen="$addr:$port" '
    /^smtp[ \t]+inet/ { print listen " inet n - n - - smtpd"; next }
    /^[a-z]/ && NF >= 8 { $5 = "n" }
    { print }' /etc/postfix/master.cf.proto >"$d/etc/master.cf"
  postfix -c "$d/etc" check
  postfix -c "$d/etc" start >/dev/null 2>&1
}

strict=(
  "smtpd_forbid_bare_newline = reject"
  "smtpd_forbid_bare_newline_exclusions ="
  "smtpd_discard_ehlo_keywords = 8bitmime, silent-discard"
  "smtputf8_enable = no"
  "header_checks = pcre:$work/8bit_checks"
  "body_checks = pcre:$work/8bit_checks"
)
printf '%s\n' '/[\x80-\xFF]/ REJECT 5.6.0 8-bit data not accepted: 8BITMIME was not announced' >"$work/8bit_checks"
postfix_instance strict-mr $STRICT_MR 2525 final "${strict[@]}"
postfix_instance strict-pf $STRICT_PF 2525 final "${strict[@]}"
# A stock Postfix relay: all mail to the strict server, nothing else changed.
postfix_instance relay-pf $RELAY_PF 10025 relay "relayhost = [$STRICT_PF]:2525" "bounce_queue_lifetime = 0" "maximal_queue_lifetime = 1h"

echo "bench: generating $N messages with seed $SEED"
java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" com.mailroute.sanitize.MalformedMessages "$SEED" "$N" "$work/msgs"

java -Dmailroute.data.dir="$work/mr" -Dmailroute.http.port=$HTTP_PORT -Dmailroute.broker.port=$((HTTP_PORT + 1)) \
     -Dmailroute.console.port=$((HTTP_PORT + 2)) -Dmailroute.relayhost=$STRICT_MR:2525 -Dmailroute.helo-name=mailroute.bench.test \
     -Dmailroute.routes.reload=false -Dmailroute.tls=none -jar target/mailroute.jar >"$work/relay.log" 2>&1 &
relay_pid=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$HTTP_PORT/observe/health" >/dev/null 2>&1 && break; sleep 0.5; done

echo "bench: submitting to MailRoute (HTTP) and to the Postfix relay (sendmail)"
submit_mr() {
  local f=$1 i
  i=$(basename "$f" .eml)
  printf '%s %s\n' "$i" "$(curl -s -o "$work/http/$i.json" -w '%{http_code}' -X POST -H 'Content-Type: message/rfc822' \
    --data-binary @"$f" "http://127.0.0.1:$HTTP_PORT/api/messages?from=%3C%3E&to=rcpt-$i@bench.test")"
}
submit_pf() {
  local f=$1 i rc=0
  i=$(basename "$f" .eml)
  sendmail -C "$work/relay-pf/etc" -i -f '<>' -- "rcpt-$i@bench.test" <"$f" 2>"$work/sendmail/$i.err" || rc=$?
  printf '%s %s\n' "$i" "$rc"
}
export -f submit_mr submit_pf
export work HTTP_PORT
mkdir -p "$work/http" "$work/sendmail"
ls "$work"/msgs/*.eml | xargs -P "$CONC" -I{} bash -c 'submit_mr {}' >"$work/mr.codes"
ls "$work"/msgs/*.eml | xargs -P "$CONC" -I{} bash -c 'submit_pf {}' >"$work/pf.codes"

mr_accepted=$(awk '$2 == 202' "$work/mr.codes" | wc -l)
pf_accepted=$(awk '$2 == 0' "$work/pf.codes" | wc -l)

# Final outcomes per recipient from the strict servers' logs and the relays' own records.
# (each ends in "|| true": under pipefail an empty grep would stop the script)
sent() { grep -o "to=<rcpt-[0-9]*@bench.test>.*status=sent" "$work/$1/maillog" 2>/dev/null | grep -o 'rcpt-[0-9]*' | sort -u | wc -l || true; }
mr_dead() { curl -fs "http://127.0.0.1:$HTTP_PORT/api/dead-letters" | grep -o '"id"' | wc -l || true; }
pf_bounced() { grep -c "status=bounced" "$work/relay-pf/maillog" 2>/dev/null || true; }
echo "bench: waiting up to ${WAIT}s for both queues to drain"
for _ in $(seq 1 "$WAIT"); do
  [ $(( $(sent strict-mr) + $(mr_dead) )) -ge "$mr_accepted" ] && [ $(( $(sent strict-pf) + $(pf_bounced) )) -ge "$pf_accepted" ] && break
  sleep 1
done

wire_refused() { grep -E "reject: (header|body) .*8-bit data|bare <LF>" "$work/$1/maillog" 2>/dev/null | wc -l || true; }
mr_internal=$(grep -c "MailRoute error during delivery" "$work/relay.log" || true)
mr_500=$(awk '$2 >= 500' "$work/mr.codes" | wc -l)
curl -fs "http://127.0.0.1:$HTTP_PORT/api/dead-letters" >"$work/dead.json" || true
mr_567=$(grep -o '"enhancedStatus":"5\.6\.7"' "$work/dead.json" | wc -l || true)
mr_563=$(grep -o '"enhancedStatus":"5\.6\.3"' "$work/dead.json" | wc -l || true)
pf_560=$(grep "status=bounced" "$work/relay-pf/maillog" 2>/dev/null | grep -c "5\.6\.0" || true)
pf_567=$(grep "status=bounced" "$work/relay-pf/maillog" 2>/dev/null | grep -c "5\.6\.7" || true)
pf_deferred=$(( pf_accepted - $(sent strict-pf) - $(pf_bounced) ))
mr_queued=$(( mr_accepted - $(sent strict-mr) - $(mr_dead) ))

printf '\n%d messages, seed %d, both relays to a strict Postfix without 8BITMIME/SMTPUTF8\n' "$N" "$SEED"
printf '%-22s %10s %10s %10s %10s %10s %12s\n' relay "refused" delivered bounced "in queue" "internal" "wire-refused"
printf '%-22s %10d %10d %10d %10d %10d %12d\n' "Postfix relay" $((N - pf_accepted)) "$(sent strict-pf)" "$(pf_bounced)" "$pf_deferred" 0 "$(wire_refused strict-pf)"
printf '%-22s %10d %10d %10d %10d %10d %12d\n' "MailRoute" $((N - mr_accepted)) "$(sent strict-mr)" "$(mr_dead)" "$mr_queued" $((mr_internal + mr_500)) "$(wire_refused strict-mr)"
printf 'Postfix bounces: %d with 5.6.0 (8-bit not converted), %d with 5.6.7 (SMTPUTF8)\n' "$pf_560" "$pf_567"
printf 'MailRoute dead letters: %d with 5.6.7 (non-ASCII mailbox), %d with 5.6.3\n' "$mr_567" "$mr_563"
if [ $((N - mr_accepted)) -gt 0 ]; then
  echo "MailRoute refusals at the door (HTTP status: reason):"
  awk '$2 != 202 {print $1}' "$work/mr.codes" | while read -r i; do
    printf '  %s\n' "$(cat "$work/http/$i.json")"
  done | sed 's/line [0-9]*/line N/g; s/"id":"[^"]*"//' | sort | uniq -c | sort -rn | head -10
fi
