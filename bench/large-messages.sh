#!/usr/bin/env bash
# Two large messages at once through MailRoute in a small heap (issue 11's target): one POSTed over HTTP, one dropped
# into pickup/, each for a next hop that announces 8BITMIME and one that does not (the 8-bit parts must be converted
# to 7-bit on the way), while small messages keep flowing over HTTP. Prints the peak heap after GC and before GC, the
# peak RSS, the time to deliver, and checks what arrived: byte for byte at the 8BITMIME hop, the same decoded content
# (and nothing 8-bit) at the other.
#
# Needs the Debian package postfix (smtp-sink), python3, curl, a JDK and a built relay:
#   mvn -B package -DskipTests && bench/large-messages.sh
#   SIZE_MB=20 HEAP=128m bench/large-messages.sh
# Everything listens on 127.0.0.45-46 (high ports) and lives in a temporary directory under /var/tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/mailroute.jar}
SIZE_MB=${SIZE_MB:-50}         # each large message, about
HEAP=${HEAP:-256m}             # MailRoute's -Xmx
SMALL_RATE=${SMALL_RATE:-20}   # small messages per second during the run
RELAY_OPTS=${RELAY_OPTS:-}
SINK8=127.0.0.45:2526 SINK7=127.0.0.46:2526
HTTP_PORT=18190 BROKER_PORT=18191 CONSOLE_PORT=18192 SUBMISSION_PORT=18193

for c in smtp-sink python3 curl java; do
  command -v $c >/dev/null || { echo "bench: $c missing (apt-get install postfix python3 curl)" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "bench: $JAR missing; build first: mvn -B package -DskipTests" >&2; exit 1; }
work=$(mktemp -d /var/tmp/mailroute-large.XXXXXX)
chmod 755 "$work"
pids=()
relay=
cleanup() {
  set +e
  [[ -n $relay ]] && kill "$relay" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [[ -n ${KEEP:-} ]] && echo "bench: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- next hops
sink_user=()
[[ $(id -u) == 0 ]] && sink_user=(-u nobody)   # smtp-sink refuses to run as root
start_sink() { # name addr:port [options]
  local name=$1 at=$2; shift 2
  mkdir -p "$work/$name"; chmod 777 "$work/$name"
  smtp-sink "${sink_user[@]}" -c -d "$work/$name/msg." "$@" "$at" 64 >"$work/$name.count" 2>"$work/$name.err" &
  pids+=($!)
}
start_sink eight $SINK8
start_sink seven $SINK7 -8        # -8: no 8BITMIME in its EHLO

# ---------------------------------------------------------------- messages
python3 - "$work" "$SIZE_MB" <<'PY'
import base64, os, sys, random
work, mb = sys.argv[1], int(sys.argv[2])
def write(name, subject, text_bytes, attachment_bytes):
    rnd = random.Random(subject)
    text = ("Grüße aus Köln, ça va? Ünïcödé text line %d ÆØÅ.\n")
    lines, size, i = [], 0, 0
    while size < text_bytes:
        l = (text % i).replace("\n", "\r\n").encode("utf-8"); lines.append(l); size += len(l); i += 1
    att = rnd.randbytes(attachment_bytes)
    with open(os.path.join(work, name), "wb") as f:
        f.write(("From: Large <large@example.com>\r\nTo: r@eight.test, r@seven.test\r\nSubject: %s\r\n"
                 "Date: Wed, 2 Dec 2026 04:00:00 +0000\r\nMessage-ID: <%s@example.com>\r\nMIME-Version: 1.0\r\n"
                 "Content-Type: multipart/mixed; boundary=\"=b\"\r\n\r\n--=b\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" % (subject, subject)).encode())
        f.write(b"".join(lines))
        f.write(b"\r\n--=b\r\nContent-Type: application/octet-stream; name=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        b64 = base64.encodebytes(att).replace(b"\n", b"\r\n")
        f.write(b64)
        f.write(b"--=b--\r\n")
# A: a small 8-bit text and a big attachment; B: a big 8-bit text (converted to quoted-printable) and a big attachment.
write("a.eml", "large-a-http", 2000, mb * 1024 * 1024 * 3 // 4)
write("b.eml", "large-b-pickup", mb * 1024 * 1024 // 4, mb * 1024 * 1024 * 3 // 4 * 3 // 4)
with open(os.path.join(work, "small.eml"), "wb") as f:
    f.write(b"From: small@example.com\r\nTo: r@eight.test\r\nSubject: small\r\n\r\n" + b"small message line\r\n" * 100)
PY
ls -l "$work"/*.eml | awk '{printf "bench: %s %.1f MB\n", $NF, $5 / 1048576}'

# ---------------------------------------------------------------- relay
opts=()
unzip -p "$JAR" mailroute-defaults.properties | grep -q '^mailroute.submission.port=' && opts+=(-Dmailroute.submission.port=$SUBMISSION_PORT)
# shellcheck disable=SC2086
java -Xmx"$HEAP" -Xlog:gc:file="$work/gc.log" $RELAY_OPTS "${opts[@]}" -Dmailroute.data.dir="$work/data" -Dmailroute.http.port=$HTTP_PORT \
  -Dmailroute.broker.port=$BROKER_PORT -Dmailroute.console.port=$CONSOLE_PORT \
  -Dmailroute.helo-name=bench.test -Dmailroute.routes.reload=false -Dmailroute.routes.dir="$work/none" \
  -Dmailroute.message.max-size=$((SIZE_MB * 3))MB -Dmailroute.pickup.min-age-ms=500 \
  -Dmailroute.transport.eight.test=$SINK8 -Dmailroute.transport.seven.test=$SINK7 \
  -jar "$JAR" >"$work/relay.log" 2>&1 &
relay=$!
for _ in $(seq 240); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/observe/health" >/dev/null 2>&1 && break
  kill -0 $relay 2>/dev/null || { echo "bench: MailRoute exited:" >&2; tail -20 "$work/relay.log" >&2; exit 1; }
  sleep 0.5
done
hwm() { awk '/^VmHWM:/ {print int($2 / 1024)}' "/proc/$relay/status" 2>/dev/null || echo "?"; }
echo "bench: MailRoute started with -Xmx$HEAP, RSS so far $(hwm) MB"

# ---------------------------------------------------------------- run
small_sent=0
( while [[ ! -e $work/stop ]]; do
    curl -s -o /dev/null -w '%{http_code}\n' --data-binary @"$work/small.eml" -H 'Content-Type: message/rfc822' \
      "http://127.0.0.1:$HTTP_PORT/api/messages?from=small@example.com&to=r@eight.test" >>"$work/small.codes"
    sleep "$(echo "scale=3; 1 / $SMALL_RATE" | bc -l 2>/dev/null || echo 0.05)"
  done ) &
pids+=($!)
t0=$(date +%s.%N)
http_code=$(curl -s -o "$work/http.out" -w '%{http_code}' --data-binary @"$work/a.eml" -H 'Content-Type: message/rfc822' \
  "http://127.0.0.1:$HTTP_PORT/api/messages?from=large@example.com&to=r@eight.test&to=r@seven.test") &
curl_pid=$!
{ printf 'x-sender: large@example.com\r\nx-receiver: r@eight.test, r@seven.test\r\n'; cat "$work/b.eml"; } >"$work/data/pickup/.b.eml"
mv "$work/data/pickup/.b.eml" "$work/data/pickup/b.eml"
wait $curl_pid || true
echo "bench: HTTP answered $(cat "$work/http.out") after $(echo "$(date +%s.%N) - $t0" | bc) s"

count() { ls "$work/$1" 2>/dev/null | wc -l; }
large_arrived() { # complete large deliveries: the dump (written as the data arrives) ends with the closing boundary
  local n=0 f
  for f in $(grep -l -a -m1 '^Subject: large-' "$work"/eight/msg.* "$work"/seven/msg.* 2>/dev/null); do
    [[ $(tail -c 8 "$f" | tr -d '\r\n') == '--=b--' ]] && n=$((n + 1))
  done
  echo $n
}
limit=600
while (( $(large_arrived) < 4 )); do
  sleep 1
  kill -0 $relay 2>/dev/null || { echo "bench: MailRoute died:" >&2; tail -30 "$work/relay.log" >&2; exit 1; }
  if (( $(echo "$(date +%s.%N) - $t0 > $limit" | bc) )); then echo "bench: only $(large_arrived) of 4 large deliveries after ${limit}s" >&2; break; fi
done
t1=$(date +%s.%N)
touch "$work/stop"; sleep 1
small_ok=$(grep -c '^202$' "$work/small.codes" || true); small_bad=$(grep -vc '^202$' "$work/small.codes" || true)

# ---------------------------------------------------------------- figures
peak_after=$(grep -oE 'Pause.*[0-9]+M->[0-9]+M' "$work/gc.log" | sed -E 's/.* ([0-9]+)M->([0-9]+)M/\2/' | sort -n | tail -1)
peak_before=$(grep -oE 'Pause.*[0-9]+M->[0-9]+M' "$work/gc.log" | sed -E 's/.* ([0-9]+)M->([0-9]+)M/\1/' | sort -n | tail -1)
echo
echo "large messages:   2 x ~${SIZE_MB} MB, 4 deliveries in $(printf %.1f "$(echo "$t1 - $t0" | bc)") s (HTTP + pickup, to an 8BITMIME and a 7-bit next hop)"
echo "small messages:   $small_ok accepted (202) during the run, $small_bad refused"
echo "heap (-Xmx$HEAP): peak after GC ${peak_after:-?} MB, peak before GC ${peak_before:-?} MB"
echo "RSS:              peak $(hwm) MB"
echo "out of memory:    $(grep -c 'OutOfMemoryError' "$work/relay.log" || true) OutOfMemoryError lines in the log"
python3 - "$work" <<'PY'
import email, email.policy, hashlib, os, sys, glob
work = sys.argv[1]
def leaves(raw):
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    out = []
    for p in m.walk():
        if not p.is_multipart():
            out.append((p.get_content_type(), hashlib.sha256(lf(p.get_payload(decode=True) or b"")).hexdigest()))
    return m["Subject"], out
def strip_sink(raw):   # smtp-sink -d writes LF line ends, after X-Client-*, X-Helo-Args, X-Mail-Args and X-Rcpt-Args lines
    lines = raw.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].split(b":")[0] in (b"X-Client-Addr", b"X-Client-Proto", b"X-Helo-Args", b"X-Mail-Args", b"X-Rcpt-Args"):
        i += 1
    return b"\n".join(lines[i:])
def lf(b):
    return b.replace(b"\r\n", b"\n")
orig = {}
for name in ("a.eml", "b.eml"):
    raw = open(os.path.join(work, name), "rb").read()
    s, parts = leaves(raw); orig[s] = (raw, parts)
ok = True
for hop in ("eight", "seven"):
    for f in sorted(glob.glob(os.path.join(work, hop, "msg.*"))):
        raw = strip_sink(open(f, "rb").read())
        if b"Subject: large-" not in raw[:20000]:
            continue
        s, parts = leaves(raw)
        want_raw, want_parts = orig[s]
        same_content = parts == want_parts
        eight = sum(1 for b in raw if b >= 0x80) if hop == "seven" else None
        if hop == "eight":
            exact = raw.endswith(lf(want_raw) + b"\n")   # smtp-sink ends its dump with an empty line
            verdict = "byte-identical after the Received field" if exact else "DIFFERENT BYTES"
            ok &= exact and same_content
        else:
            verdict = ("7-bit (%d bytes >= 0x80), decoded parts %s" % (eight, "identical" if same_content else "DIFFERENT"))
            ok &= same_content and eight == 0
        print("delivered:        %-15s to %-6s %5.1f MB  %s" % (s, hop, len(raw) / 1048576, verdict))
print("check:            " + ("all large deliveries complete and correct" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PY
