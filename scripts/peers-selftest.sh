#!/usr/bin/env bash
# Proves that the peers started by scripts/peers.sh behave as docs/peers.md
# says: every DNS case, every SMTP reply text, Maildir and dump deliveries,
# and an Artemis round trip. Exits non-zero when any check fails.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$REPO_ROOT/target/peers}
ENV_FILE=$PEERS_DIR/peers.env
[[ -f $ENV_FILE ]] || { echo "no $ENV_FILE: run scripts/peers.sh start first" >&2; exit 2; }

declare -A P
while IFS='=' read -r key value; do
  [[ -z $key || $key == \#* ]] && continue
  P[$key]=$value
done <"$ENV_FILE"

passed=0
failed=0
check() { # description, actual, expected substring
  if [[ $2 == *"$3"* ]]; then
    passed=$((passed + 1)); echo "ok    $1"
  else
    failed=$((failed + 1)); echo "FAIL  $1"; echo "      expected: $3"; echo "      actual:   ${2//$'\n'/ | }"
  fi
}

# ---------------------------------------------------------------- DNS

dns() { dig @"${P[PEERS_DNS_HOST]}" -p "${P[PEERS_DNS_PORT]}" +time=2 +tries=1 "$@" 2>&1; }
answer() { dns +noall +answer "$@" | awk '{ $1=$1; print }'; }
status_of() { dns "$@" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }

check "MX good.mr.test -> mx-strict" "$(answer MX good.mr.test)" "good.mr.test. 5 IN MX 10 mx-strict.mr.test."
check "A mx-strict.mr.test -> 127.0.0.2" "$(answer A mx-strict.mr.test)" "IN A 127.0.0.2"
check "MX lenient.mr.test -> mx-lenient" "$(answer MX lenient.mr.test)" "IN MX 10 mx-lenient.mr.test."
check "MX pref.mr.test has 10 mx-refused" "$(answer MX pref.mr.test)" "IN MX 10 mx-refused.mr.test."
check "MX pref.mr.test has 20 mx-lenient" "$(answer MX pref.mr.test)" "IN MX 20 mx-lenient.mr.test."
check "A mx-refused.mr.test -> ${P[PEERS_REFUSED_HOST]}" "$(answer A mx-refused.mr.test)" "IN A ${P[PEERS_REFUSED_HOST]}"
check "MX equal.mr.test has 10 mx-lenient" "$(answer MX equal.mr.test)" "IN MX 10 mx-lenient.mr.test."
check "MX equal.mr.test has 10 mx-strict" "$(answer MX equal.mr.test)" "IN MX 10 mx-strict.mr.test."
check "MX implicit.mr.test is NOERROR" "$(status_of MX implicit.mr.test)" "NOERROR"
check "MX implicit.mr.test has no answer" "[$(answer MX implicit.mr.test)]" "[]"
check "A implicit.mr.test -> 127.0.0.3" "$(answer A implicit.mr.test)" "IN A 127.0.0.3"
check "MX nullmx.mr.test -> 0 ." "$(answer MX nullmx.mr.test)" "IN MX 0 ."
check "MX dangling.mr.test -> nowhere" "$(answer MX dangling.mr.test)" "IN MX 10 nowhere.mr.test."
check "A nowhere.mr.test is NXDOMAIN" "$(status_of A nowhere.mr.test)" "NXDOMAIN"
check "MX nxdomain.mr.test is NXDOMAIN" "$(status_of MX nxdomain.mr.test)" "NXDOMAIN"
check "MX servfail.test is SERVFAIL (udp)" "$(status_of MX servfail.test)" "SERVFAIL"
check "A mx.servfail.test is SERVFAIL (tcp)" "$(status_of +tcp A mx.servfail.test)" "SERVFAIL"
check "MX good.mr.test over tcp" "$(answer +tcp MX good.mr.test)" "IN MX 10 mx-strict.mr.test."
for name in rcpt4xx rcpt5xx dropdata data554 sink; do
  up=${name^^}
  check "MX $name.mr.test -> mx-$name" "$(answer MX "$name.mr.test")" "IN MX 10 mx-$name.mr.test."
  check "A mx-$name.mr.test -> ${P[PEERS_${up}_HOST]}" "$(answer A "mx-$name.mr.test")" "IN A ${P[PEERS_${up}_HOST]}"
done

# ---------------------------------------------------------------- SMTP

# One SMTP transaction over /dev/tcp. Prints the last reply line of each step
# and stops at the first refusal. The body is a printf %b string, so \r, \n
# and \xHH reach the wire exactly as written.
smtp() { # host rcpt body [MAIL parameters]
  local host=$1 rcpt=$2 body=$3 params=${4:-} line last
  exec 3<>"/dev/tcp/$host/25"
  # Prints the reply's last line; true when it starts with $1.
  reply() {
    last="<connection closed>"
    while IFS= read -r -t 15 line <&3; do
      line=${line%$'\r'}
      [[ ${line:3:1} == - ]] && continue
      last=$line
      break
    done
    echo "$last"
    [[ $last == "$1"* ]]
  }
  send() { printf '%b\r\n' "$1" >&3 2>/dev/null || true; }
  if reply 220 &&
    { send "EHLO selftest.test"; reply 250; } &&
    { send "MAIL FROM:<selftest@app.test>$params"; reply 250; } &&
    { send "RCPT TO:<$rcpt>"; reply 250; } &&
    { send "DATA"; reply 354; } &&
    { send "$body\r\n."; reply 250; }; then
    send "QUIT"
    reply 221 || true
  fi
  exec 3>&-
}

ehlo() { swaks --server "$1" --quit-after EHLO 2>&1 | sed -n 's/^<-  250[ -]//p'; }
count() { { find "$1" -type f 2>/dev/null || true; } | wc -l; }
await_count() { # dir, expected count
  for _ in $(seq 1 50); do
    [[ $(count "$1") -ge $2 ]] && break
    sleep 0.1
  done
  count "$1"
}

S=${P[PEERS_STRICT_HOST]}
L=${P[PEERS_LENIENT_HOST]}
check "strict EHLO hides 8BITMIME" "[$(ehlo "$S" | grep -c 8BITMIME || true)]" "[0]"
check "strict EHLO hides SMTPUTF8" "[$(ehlo "$S" | grep -c SMTPUTF8 || true)]" "[0]"
check "strict EHLO announces SIZE 1048576" "$(ehlo "$S")" "SIZE 1048576"
check "lenient EHLO announces 8BITMIME" "$(ehlo "$L")" "8BITMIME"
check "lenient EHLO announces SMTPUTF8" "$(ehlo "$L")" "SMTPUTF8"

before=$(count "${P[PEERS_STRICT_MAILDIR]}/new")
check "strict accepts a clean 7-bit message" \
  "$(smtp "$S" a@good.mr.test 'Subject: clean\r\n\r\nhello\r\n')" "250 2.0.0 Ok: queued as"
check "strict delivers it to its Maildir" "$(await_count "${P[PEERS_STRICT_MAILDIR]}/new" $((before + 1)))" "$((before + 1))"
check "strict refuses a bare LF" \
  "$(smtp "$S" a@good.mr.test 'Subject: lf\r\n\r\nline one\nline two\r\n')" \
  "550 5.5.2 mx-strict.mr.test Error: bare <LF> received"
check "strict refuses an 8-bit body" \
  "$(smtp "$S" a@good.mr.test 'Subject: b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ncaf\xc3\xa9\r\n')" \
  "550 5.6.0 8-bit data not accepted: 8BITMIME was not announced"
check "strict refuses an 8-bit header" \
  "$(smtp "$S" a@good.mr.test 'Subject: caf\xc3\xa9\r\n\r\nplain\r\n')" \
  "550 5.6.0 8-bit data not accepted: 8BITMIME was not announced"
check "strict refuses MAIL ... SMTPUTF8" \
  "$(smtp "$S" a@good.mr.test 'x' ' SMTPUTF8')" "555 5.5.4 Unsupported option: SMTPUTF8"
check "strict refuses a declared SIZE over the limit" \
  "$(smtp "$S" a@good.mr.test 'x' ' SIZE=2000000')" "552 5.3.4 Message size exceeds fixed limit"
big=$(printf 'x%.0s' $(seq 1 998))
big="Subject: big\r\n\r\n$(for _ in $(seq 1 1100); do printf '%s\\r\\n' "$big"; done)"
check "strict refuses 1.1 MB of data" "$(smtp "$S" a@good.mr.test "$big")" "552 5.3.4 Error: message file too big"
# The strict peer's rejections never reach the Maildir.
check "strict Maildir holds only the clean message" "$(count "${P[PEERS_STRICT_MAILDIR]}/new")" "$((before + 1))"

before=$(count "${P[PEERS_LENIENT_MAILDIR]}/new")
check "lenient accepts bare LF and 8-bit data" \
  "$(smtp "$L" a@lenient.mr.test 'Subject: caf\xc3\xa9\r\n\r\nline one\nline two caf\xc3\xa9\r\n' ' BODY=8BITMIME')" \
  "250 2.0.0 Ok: queued as"
check "lenient delivers it to its Maildir" "$(await_count "${P[PEERS_LENIENT_MAILDIR]}/new" $((before + 1)))" "$((before + 1))"

refused=$( (exec 3<>"/dev/tcp/${P[PEERS_REFUSED_HOST]}/25") 2>&1 || true)
check "${P[PEERS_REFUSED_HOST]}:25 refuses connections" "$refused" "Connection refused"

msg='Subject: fault\r\n\r\nbody\r\n'
check "rcpt4xx answers RCPT with 450" "$(smtp "${P[PEERS_RCPT4XX_HOST]}" x@rcpt4xx.mr.test "$msg")" "${P[PEERS_RCPT4XX_REPLY]}"
check "rcpt5xx answers RCPT with 550" "$(smtp "${P[PEERS_RCPT5XX_HOST]}" x@rcpt5xx.mr.test "$msg")" "${P[PEERS_RCPT5XX_REPLY]}"
out=$(smtp "${P[PEERS_DROPDATA_HOST]}" x@dropdata.mr.test "$msg")
check "dropdata closes after the data without a reply" "$out" $'354 End data with <CR><LF>.<CR><LF>\n<connection closed>'
check "data554 answers the data with 554" "$(smtp "${P[PEERS_DATA554_HOST]}" x@data554.mr.test "$msg")" "${P[PEERS_DATA554_REPLY]}"
before=$(count "${P[PEERS_SINK_DUMP_DIR]}")
check "sink accepts" "$(smtp "${P[PEERS_SINK_HOST]}" x@sink.mr.test "$msg")" "250 2.0.0 Ok"
check "sink dumps one file per message" "$(await_count "${P[PEERS_SINK_DUMP_DIR]}" $((before + 1)))" "$((before + 1))"
check "sink dump records the envelope" "$(find "${P[PEERS_SINK_DUMP_DIR]}" -type f -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2- | xargs cat)" "X-Rcpt-Args: <x@sink.mr.test>"

# ---------------------------------------------------------------- Artemis

A=${P[PEERS_ARTEMIS_HOME]}/bin/artemis
q="queue://selftest.$$"
prod=$("$A" producer --url "${P[PEERS_ARTEMIS_URL]}" --user "${P[PEERS_ARTEMIS_USER]}" --password "${P[PEERS_ARTEMIS_PASSWORD]}" \
  --destination "$q" --message-count 1 2>&1 || true)
check "artemis producer sends one message" "$prod" "Produced: 1 messages"
cons=$("$A" consumer --url "${P[PEERS_ARTEMIS_URL]}" --user "${P[PEERS_ARTEMIS_USER]}" --password "${P[PEERS_ARTEMIS_PASSWORD]}" \
  --destination "$q" --message-count 1 --receive-timeout 5000 2>&1 || true)
check "artemis consumer receives it" "$cons" "Consumed: 1 messages"

echo "selftest: $passed passed, $failed failed"
[[ $failed == 0 ]]
