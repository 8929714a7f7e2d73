#!/usr/bin/env bash
# Side-by-side throughput of MailRoute and a Postfix relay on this machine, in one run, each relaying to its own
# Postfix smtp-sink (same sink, same options). Prints end-to-end msg/s (submission start to the sink's 250 for the
# last message), the ratio to Postfix, accept latency p50/p99 and peak RSS, then a paced run (accept p99 at an offered
# rate), a backlog drain (next hop hanging while BACKLOG messages are queued, then it answers) and a slow next hop.
#
# Needs root (Postfix instance), the Debian packages postfix (smtp-source, smtp-sink), bc and apache2-utils (ab, the
# HTTP client), a JDK (the JMS client, bench/LoadClient.java) and a built relay:
#   mvn -B package -DskipTests && sudo bench/side-by-side.sh
#   SIZES="2000" N=5000 WAYS="http jms" sudo bench/side-by-side.sh      # fewer runs
#   JAR=/tmp/old/mailroute.jar sudo bench/side-by-side.sh              # another build, e.g. before a change
# Everything listens on 127.0.0.40-42 (high ports) and lives in a temporary directory on the same disk as ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/mailroute.jar}
SIZES=${SIZES:-2000 20000 100000}
N=${N:-3000}                   # messages per run
CONC=${CONC:-20}               # concurrent submitting clients / smtp-source sessions
WAYS=${WAYS:-http jms pickup smtp}
RATE=${RATE:-200}              # offered msg/s for the paced latency run (0 = skip)
BACKLOG=${BACKLOG:-10000}      # messages queued while the next hop hangs (0 = skip)
SLOW=${SLOW:-1}                # seconds the slow sink waits before answering DATA (0 = skip)
SLOW_N=${SLOW_N:-600}
RELAY_OPTS=${RELAY_OPTS:-}     # extra JVM/-D options for MailRoute
THREADS=${THREADS:-}           # 1 = also print MailRoute's CPU per message by kind of thread (jcmd Thread.print)
PERF=${PERF:-}                 # a directory: perf record -a -g of the whole machine during each MailRoute run (kernel
                               # time included, which Flight Recorder does not see); read with perf report -i DIR/SIZE-WAY.data
WARMUP=${WARMUP:-15}           # at most this many warm-up rounds before measuring (0 = none): a relay runs for days, and
                               # on 2 cores the JIT needs ~60,000 messages to compile its hot paths; rounds end early
                               # once a round leaves the JIT with little to do (fewer than WARMUP_SETTLED compilations)
WARMUP_SETTLED=${WARMUP_SETTLED:-60}
REPEAT=${REPEAT:-1}            # measure each size this many times, Postfix then every way in, and print each ratio's
                               # median: on a shared machine a single pair of runs can be off by a fifth either way
PF_ADDR=127.0.0.40 PF_PORT=2525
SINK_PF=127.0.0.41:2526 SINK_MR=127.0.0.42:2526
HTTP_PORT=18180 BROKER_PORT=18181 CONSOLE_PORT=18182 SUBMISSION_PORT=18183

[[ $(id -u) == 0 ]] || { echo "bench: run as root (it starts a private Postfix instance)" >&2; exit 1; }
for c in postfix smtp-source smtp-sink bc java javac ab; do
  command -v $c >/dev/null || { echo "bench: $c missing (apt-get install postfix bc apache2-utils)" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "bench: $JAR missing; build first: mvn -B package -DskipTests" >&2; exit 1; }
CP="$(dirname "$JAR")/lib/*"
for at in $SINK_PF $SINK_MR $PF_ADDR:$PF_PORT 127.0.0.1:$HTTP_PORT; do
  if (exec 3<>"/dev/tcp/${at%:*}/${at#*:}") 2>/dev/null; then echo "bench: $at is taken (a bench still running?)" >&2; exit 1; fi
done

work=$(mktemp -d /var/tmp/mailroute-bench.XXXXXX)
chmod 755 "$work"
pids=()
relay=
cleanup() {
  set +e   # stop everything, even what has already stopped
  [[ -n $relay ]] && kill "$relay" 2>/dev/null
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  postfix -c "$work/postfix/etc" stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] && echo "bench: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
calc() { echo "scale=3; $*" | bc -l; }

# ---------------------------------------------------------------- peers
start_sink() { # name addr:port [smtp-sink options...]
  local name=$1 at=$2; shift 2
  smtp-sink -u nobody -c "$@" "$at" 1024 >"$work/$name.count" 2>"$work/$name.err" &
  pids+=($!)
  eval "${name}_pid=$!"
}
delivered() { # sink name → messages it has received
  # smtp-sink -c rewrites its counter line after a CR on every message: only the file's end is read, as the whole
  # file (a line per message) read every 50 ms took CPU from the relays being measured
  local last; last=$(tail -c 80 "$work/$1.count" | tr '\r' '\n' | tail -1)
  [[ $last =~ mesg=([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo 0
}
wait_delivered() { # sink target timeout-seconds → prints the time of arrival of the target-th message
  local sink=$1 target=$2 limit=$3 t0; t0=$(now)
  while (( $(delivered "$sink") < target )); do
    sleep 0.05
    if (( $(echo "$(now) - $t0 > $limit" | bc) )); then echo "bench: only $(delivered "$sink")/$target at $sink after ${limit}s" >&2; break; fi
  done
  now
}

start_postfix_relay() {
  local d=$work/postfix
  mkdir -p "$d/etc" "$d/queue" "$d/data"
  chown postfix:postfix "$d/data"
  cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.bench.test
mydestination =
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [${SINK_PF%:*}]:${SINK_PF#*:}
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
biff = no
maillog_file = $d/maillog
message_size_limit = 0
EOF
  awk -v at="$PF_ADDR:$PF_PORT" '
    /^smtp[ \t]+inet/ { print at " inet n - n - - smtpd"; next }
    /^[a-z]/ && NF >= 8 { $5 = "n" }
    { print }' /etc/postfix/master.cf.proto >"$d/etc/master.cf"
  postfix -c "$d/etc" start >/dev/null 2>&1
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/$PF_ADDR/$PF_PORT") 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: postfix relay did not start; see $d/maillog" >&2; exit 1
}
postfix_rss_kb() { # master and its children
  local master; master=$(head -1 "$work/postfix/queue/pid/master.pid" 2>/dev/null | tr -d ' ') || true
  [[ -n $master ]] || { echo 0; return; }
  for p in $master $(pgrep -P "$master"); do awk "/^Pss:/ {print \$2}" /proc/$p/smaps_rollup 2>/dev/null; done | awk "{s += \$1} END {print s + 0}"
}

# CPU time in milliseconds: MailRoute's JVM; Postfix's master, its exited children and its live ones.
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_ms() { echo $(( $(ticks "$1") * 1000 / $(getconf CLK_TCK) )); }   # pid → its CPU time so far
per_msg() { awk -v ms="$1" -v n="$N" 'BEGIN {printf "%.1f", ms / n}'; }   # ms for the run → ms per message
relay_cpu_ms() { cpu_ms "$relay"; }
postfix_cpu_ms() {
  local master t=0 p; master=$(head -1 "$work/postfix/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
  for p in $master $(pgrep -P "$master"); do t=$((t + $(ticks "$p"))); done
  echo $((t * 1000 / $(getconf CLK_TCK)))
}

supports() { unzip -p "$JAR" mailroute-defaults.properties 2>/dev/null | grep -q "^$1="; }
start_relay() { # extra -D options...
  local opts=(-Dmailroute.data.dir="$work/data" -Dmailroute.http.port=$HTTP_PORT -Dmailroute.broker.port=$BROKER_PORT
    -Dmailroute.console.port=$CONSOLE_PORT -Dmailroute.relayhost=$SINK_MR -Dmailroute.helo-name=bench.test
    -Dmailroute.routes.reload=false -Dmailroute.message.max-size=200MB
    -Dmailroute.routes.dir="$work/none")   # the routes inside the jar: the build under test, not this checkout's routes/
  supports mailroute.submission.port && opts+=(-Dmailroute.submission.port=$SUBMISSION_PORT)
  # PROFILE=/path/file.jfr: Java Flight Recorder from the start (starting it later makes the JIT recompile what it
  # instruments, which costs more than the run); the measured runs are dumped at the end. Read it with
  #   jfr print --stack-depth 80 --events jdk.ExecutionSample /path/file.jfr
  [[ -n ${PROFILE:-} ]] && opts+=(-XX:StartFlightRecording=name=bench,settings=profile,maxage=1h)
  [[ -n ${PERF:-} ]] && opts+=(-XX:+PreserveFramePointer)   # Java stacks in perf record
  # shellcheck disable=SC2086
  java $RELAY_OPTS "${opts[@]}" "$@" -jar "$JAR" >"$work/relay.log" 2>&1 &
  relay=$!
  for _ in $(seq 240); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/observe/health" >/dev/null 2>&1 && return 0
    kill -0 $relay 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: MailRoute did not start; last lines of its log:" >&2; tail -20 "$work/relay.log" >&2; exit 1
}
stop_relay() { kill "$relay"; wait "$relay" 2>/dev/null || true; relay=; }
peak_rss_mb() { # MailRoute's peak resident memory so far (the kernel keeps it: VmHWM)
  awk '/^VmHWM:/ {print int($2 / 1024)}' "/proc/$relay/status"
}

# One client JVM for the whole run (LoadClient serve): warmed up with the relay, like an application that submits mail.
start_client() {
  coproc CLIENT { exec java -cp "$work/client:$CP" LoadClient serve; }
  client_pid=$CLIENT_PID
  pids+=("$client_pid")
}
client() { # way target file n conc [rate] → one result line
  echo "$*" >&"${CLIENT[1]}"
  local line; read -r line <&"${CLIENT[0]}" || { echo "bench: the load client died" >&2; exit 1; }
  echo "$line"
}

message_file() { # size → path of a message of that many bytes, give or take a line (a base64 "attachment"), as
  # smtp-source -l sends Postfix: a header section of ~190 bytes and base64 lines of 78 bytes with their CRLF
  local f=$work/msg-$1.eml
  [[ -f $f ]] && { echo "$f"; return; }
  { printf 'From: Bench <bench@example.com>\r\nTo: sink@example.org\r\nSubject: bench %s bytes\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' "$1"
    head -c $(( ($1 - 190) / 78 * 57 )) /dev/urandom | base64 -w 76 | sed 's/$/\r/'; } >"$f"
  echo "$f"
}

# Pickup files are written beforehand and renamed into pickup/ at once, so the writer does not set the pace.
stage_pickup() { # message-file count
  mkdir -p "$work/stage"
  for i in $(seq 1 "$2"); do
    { printf 'x-sender: bench@example.com\r\nx-receiver: sink%d@d%d.example\r\n' "$i" $((i % 50)); cat "$1"; } >"$work/stage/m$i.eml"
  done
}
drop_pickup() { find "$work/stage" -name '*.eml' -exec mv -t "$work/data/pickup" {} +; }

# ApacheBench: a small C client with keep-alive connections, as light as smtp-source is for Postfix
post_ab() { # message-file count
  ab -q -k -n "$2" -c "$CONC" -p "$1" -T message/rfc822 "http://127.0.0.1:$HTTP_PORT/api/messages?from=bench@example.com&to=sink@d1.example" 2>&1
}

compilations() { jstat -compiler "$relay" | awk 'NR == 2 {print $1}'; }
warm_up() { # rounds of every way in and size until the JIT settles
  local round c0 c1 sent=0 f
  for round in $(seq 1 "$WARMUP"); do
    c0=$(compilations)
    for size in $SIZES; do
      f=$(message_file "$size")
      post_ab "$f" 1500 >/dev/null   # the measured HTTP client (HTTP/1.0 keep-alive takes its own code paths)
      client http "http://127.0.0.1:$HTTP_PORT" "$f" 500 "$CONC" >/dev/null   # the paced and backlog runs' client
      client jms "tcp://127.0.0.1:$BROKER_PORT" "$f" 1500 "$CONC" >/dev/null
      stage_pickup "$f" 500; drop_pickup
      sent=$((sent + 4000))
      if supports mailroute.submission.port; then
        smtp-source -s "$CONC" -m 500 -l "$size" -f bench@example.com -t sink@d1.example "127.0.0.1:$SUBMISSION_PORT"
        sent=$((sent + 500))
      fi
      wait_delivered sink_mr "$sent" 600 >/dev/null
    done
    c1=$(compilations)
    echo "bench: warm-up round $round: $sent messages so far, $((c1 - c0)) JIT compilations in this round"
    if (( c1 - c0 < WARMUP_SETTLED )); then break; fi
  done
}

# ---------------------------------------------------------------- runs
results=()
row() { results+=("$(printf '%-8s %-22s %7s msg/s %9s  %-24s %s' "$@")"); echo "${results[-1]}"; }

run_postfix() { # size
  local base t0 t1 rate
  base=$(delivered sink_pf)
  local cpu0 sink0; cpu0=$(postfix_cpu_ms) sink0=$(cpu_ms "$sink_pf_pid")
  t0=$(now)
  smtp-source -s "$CONC" -m "$N" -l "$1" -f bench@example.com -t sink@d0.example "$PF_ADDR:$PF_PORT"
  local accepted; accepted=$(now)
  t1=$(wait_delivered sink_pf $((base + N)) 600)
  rate=$(calc "$N / ($t1 - $t0)")
  pf_rate=$rate
  sleep 1   # the last delivery agents' exit, so their CPU is counted
  row "$1" "postfix (smtp-source)" "$(printf %.0f "$rate")" "1.00x" "accept $(printf %.0f "$(calc "$N / ($accepted - $t0)")") msg/s" \
    "pss $(( $(postfix_rss_kb) / 1024 )) MB (all processes), cpu $(per_msg $(( $(postfix_cpu_ms) - cpu0 ))) ms/msg"
  if [[ -n $THREADS ]]; then
    awk -v ms=$(( $(cpu_ms "$sink_pf_pid") - sink0 )) -v n="$N" 'BEGIN {printf "  the sink used %.2f ms/msg\n", ms / n}'
  fi
}

run_mailroute() { # size way
  local size=$1 way=$2 base t0 t1 rate out="" f client_cpu=""
  f=$(message_file "$size")
  base=$(delivered sink_mr)
  local cpu0; cpu0=$(relay_cpu_ms)
  local us0; us0=$(awk '{print $14, $15}' "/proc/$relay/stat")
  local stat0 sink0
  if [[ -n $THREADS ]]; then
    jcmd "$relay" Thread.print >"$work/threads-before" 2>/dev/null
    stat0=$(head -1 /proc/stat) sink0=$(cpu_ms "$sink_mr_pid")
  fi
  local perf_pid=
  if [[ -n ${PERF:-} ]]; then
    perf record -a -g -F 499 -o "$PERF/$size-$way.data" >/dev/null 2>&1 & perf_pid=$!
  fi
  t0=$(now)
  case $way in
    http)
      out=$(post_ab "$f" "$N")
      local bad; bad=$(awk '/^Non-2xx responses:|^Failed requests:/ {s += $NF} END {print s + 0}' <<<"$out")
      out="accept p50 $(awk '$1 == "50%" {print $2}' <<<"$out") ms p99 $(awk '$1 == "99%" {print $2}' <<<"$out") ms$( ((bad > 0)) && echo " FAILED $bad" || true)" ;;
    jms)
      # a Java JMS client shares the machine: its CPU time is printed, as it takes from both relays' budget
      local c0; c0=$(cpu_ms "$client_pid")
      out=$(client jms "tcp://127.0.0.1:$BROKER_PORT" "$f" "$N" "$CONC")
      client_cpu=" (client cpu $(per_msg $(( $(cpu_ms "$client_pid") - c0 ))) ms/msg)" ;;
    pickup)
      stage_pickup "$f" "$N"
      t0=$(now)
      drop_pickup
      out="$N files moved into pickup/ at once" ;;
    smtp)
      supports mailroute.submission.port || { echo "bench: this build has no SMTP listener; skipping smtp" >&2; return; }
      smtp-source -s "$CONC" -m "$N" -l "$size" -f bench@example.com -t sink@d1.example "127.0.0.1:$SUBMISSION_PORT"
      out="smtp-source done in $(printf %.1f "$(calc "$(now) - $t0")")s" ;;
  esac
  t1=$(wait_delivered sink_mr $((base + N)) 900)
  rate=$(calc "$(( $(delivered sink_mr) - base )) / ($t1 - $t0)")
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    jcmd "$relay" Compiler.perfmap >/dev/null 2>&1   # /tmp/perf-PID.map: names for the JIT's code in perf report
  fi
  if [[ $out =~ p50=([0-9.]+)\ p99=([0-9.]+) ]]; then out="accept p50 ${BASH_REMATCH[1]} ms p99 ${BASH_REMATCH[2]} ms$client_cpu"; fi
  [[ $out =~ failed=([1-9][0-9]*) ]] && out="$out FAILED ${BASH_REMATCH[1]}"
  ratios["$size $way"]+=" $(calc "$rate / $pf_rate")"
  row "$size" "mailroute ($way)" "$(printf %.0f "$rate")" "$(printf %.2fx "$(calc "$rate / $pf_rate")")" "$out" "peak rss $(peak_rss_mb) MB, cpu $(per_msg $(( $(relay_cpu_ms) - cpu0 ))) ms/msg"
  if [[ -n $THREADS ]]; then
    jcmd "$relay" Thread.print >"$work/threads-after" 2>/dev/null
    python3 bench/cpu-by-thread.py "$work/threads-before" "$work/threads-after" "$N"
    awk -v u0="${us0% *}" -v s0="${us0#* }" '{printf "  user %d ms, system %d ms (kernel: syscalls, network, fsync)\n", ($14 - u0) * 10, ($15 - s0) * 10}' "/proc/$relay/stat"
    # idle CPU left on the machine says whether the run was bound by CPU or by waiting (disk syncs, locks)
    { echo "$stat0"; head -1 /proc/stat; } | awk -v sink=$(( $(cpu_ms "$sink_mr_pid") - sink0 )) -v n="$N" '
      { t = 0; for (i = 2; i <= NF; i++) t += $i; total[NR] = t; idle[NR] = $5 + $6 }
      END { printf "  machine idle %.0f%% during the run; the sink used %.2f ms/msg\n", 100 * (idle[2] - idle[1]) / (total[2] - total[1]), sink / n }'
  fi
}

mkdir -p "$work/client" && javac -nowarn -cp "$CP" -d "$work/client" bench/LoadClient.java
start_sink sink_pf "$SINK_PF"
start_sink sink_mr "$SINK_MR"
start_postfix_relay
start_relay
start_client
echo "bench: $(nproc) cores, N=$N, CONC=$CONC, jar $JAR; Postfix $(postconf -d -h mail_version)"
(( WARMUP > 0 )) && warm_up
measured_from=$(date -u +%FT%TZ)
declare -A ratios   # "size way" → the ratio to Postfix of every repetition
for size in $SIZES; do
  for _ in $(seq 1 "$REPEAT"); do
    run_postfix "$size"
    for way in $WAYS; do run_mailroute "$size" "$way"; done
  done
done
if (( REPEAT > 1 )); then
  for size in $SIZES; do
    for way in $WAYS; do
      [[ -n ${ratios["$size $way"]:-} ]] || continue
      tr ' ' '\n' <<<"${ratios["$size $way"]}" | grep . | sort -g | awk -v s="$size" -v w="$way" '
        { r[NR] = $1 } END { printf "%-8s mailroute (%s) vs postfix: median %.2fx of %d pairs (%.2fx to %.2fx)\n", s, w, r[int((NR + 1) / 2)], NR, r[1], r[NR] }'
    done
  done | tee "$work/medians"
fi

if (( RATE > 0 )); then
  f=$(message_file 2000)
  out=$(client http "http://127.0.0.1:$HTTP_PORT" "$f" $((RATE * 15)) "$CONC" "$RATE")
  [[ $out =~ p50=([0-9.]+)\ p99=([0-9.]+) ]]
  row 2000 "mailroute http paced" "$RATE" "offered" "accept p50 ${BASH_REMATCH[1]} ms p99 ${BASH_REMATCH[2]} ms" ""
fi

if (( BACKLOG > 0 )); then
  # The next hop hangs (SIGSTOP: connections are accepted by the kernel, no greeting comes) while BACKLOG messages are
  # queued; then it answers again, and the drain rate is BACKLOG / time until the last one arrived.
  f=$(message_file 2000)
  base=$(delivered sink_pf)
  kill -STOP "$sink_pf_pid"
  smtp-source -s "$CONC" -m "$BACKLOG" -l 2000 -f bench@example.com -t sink@d0.example "$PF_ADDR:$PF_PORT"
  kill -CONT "$sink_pf_pid"; t0=$(now)
  t1=$(wait_delivered sink_pf $((base + BACKLOG)) 900)
  pf_drain=$(calc "$BACKLOG / ($t1 - $t0)")
  row 2000 "postfix backlog drain" "$(printf %.0f "$pf_drain")" "1.00x" "$BACKLOG queued while the hop hung" ""
  base=$(delivered sink_mr)
  kill -STOP "$sink_mr_pid"
  client http "http://127.0.0.1:$HTTP_PORT" "$f" "$BACKLOG" "$CONC" >/dev/null
  kill -CONT "$sink_mr_pid"; t0=$(now)
  t1=$(wait_delivered sink_mr $((base + BACKLOG)) 900)
  rate=$(calc "$(( $(delivered sink_mr) - base )) / ($t1 - $t0)")
  row 2000 "mailroute backlog drain" "$(printf %.0f "$rate")" "$(printf %.2fx "$(calc "$rate / $pf_drain")")" "$BACKLOG queued while the hop hung" "peak rss $(peak_rss_mb) MB"
fi

if (( SLOW > 0 )); then
  # A next hop that takes SLOW seconds to answer DATA, as a busy real MX does: throughput comes from concurrency.
  kill "$sink_pf_pid" "$sink_mr_pid"; sleep 0.5
  start_sink sink_pf "$SINK_PF" -w "$SLOW"
  start_sink sink_mr "$SINK_MR" -w "$SLOW"
  t0=$(now)
  smtp-source -s "$CONC" -m "$SLOW_N" -l 2000 -f bench@example.com -t sink@d0.example "$PF_ADDR:$PF_PORT"
  t1=$(wait_delivered sink_pf "$SLOW_N" 900)
  pf_slow=$(calc "$SLOW_N / ($t1 - $t0)")
  row 2000 "postfix, slow hop" "$(printf %.0f "$pf_slow")" "1.00x" "next hop answers DATA after ${SLOW}s" ""
  t0=$(now)
  client http "http://127.0.0.1:$HTTP_PORT" "$(message_file 2000)" "$SLOW_N" "$CONC" >/dev/null
  t1=$(wait_delivered sink_mr "$SLOW_N" 900)
  rate=$(calc "$(delivered sink_mr) / ($t1 - $t0)")
  row 2000 "mailroute, slow hop" "$(printf %.0f "$rate")" "$(printf %.2fx "$(calc "$rate / $pf_slow")")" "next hop answers DATA after ${SLOW}s" ""
fi
[[ -n ${PROFILE:-} ]] && jcmd "$relay" JFR.dump name=bench begin="$measured_from" filename="$PROFILE" >/dev/null &&
  echo "bench: profile of the measured runs in $PROFILE"

echo
echo "== summary ($(date -u +%FT%TZ), $(nproc) cores, N=$N, CONC=$CONC)"
printf '%-8s %-22s %13s %9s  %-24s %s\n' size relay end-to-end vs-postfix latency memory
printf '%s\n' "${results[@]}"
[[ -f $work/medians ]] && cat "$work/medians"
grep -E ' (ERROR|WARN) ' "$work/relay.log" | grep -v 'rescheduled\|deferred' | head -5 | sed 's/^/relay log: /' || true
