#!/usr/bin/env bash
# Starts independently written SMTP, DNS and JMS peers on loopback for
# MailRoute's interop tests: Knot DNS, two Postfix instances as next hops, one
# Postfix instance as a client of MailRoute's SMTP listener, six smtp-sink
# fault peers and a standalone Artemis broker. See docs/peers.md.
#
#   scripts/peers.sh start|stop|status
#
# State (configs, logs, maildirs, pid files, peers.env) lives in $PEERS_DIR,
# default target/peers under the repository root. Needs root (port 25 on
# 127.0.0.x, apt-get, Postfix instances).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_DIR_GIVEN=${PEERS_DIR:+yes}
PEERS_DIR=${PEERS_DIR:-$REPO_ROOT/target/peers}
ARTEMIS_VERSION=2.56.0
ARTEMIS_PORT=61617
ARTEMIS_USER=u
ARTEMIS_PASSWORD=p
DNS_PORT=5353
ZONE=mr.test
SERVFAIL_ZONE=servfail.test
REFUSED_HOST=127.0.0.20 # an MX target where nothing listens
# Unprivileged owner of delivered mail and of the smtp-sink processes: the
# user who called sudo (so tests run as that user can read the Maildirs), else
# nobody.
if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
  PEER_USER=$SUDO_USER
  PEER_GROUP=$(id -gn "$SUDO_USER")
else
  PEER_USER=nobody
  PEER_GROUP=nogroup
fi

# smtp-sink fault peers: name, address, options.
SINKS=(
  "rcpt4xx 127.0.0.4 -r RCPT"
  "rcpt5xx 127.0.0.5 -f RCPT"
  "dropdata 127.0.0.6 -q ."
  "data554 127.0.0.7 -f ."
  "sink 127.0.0.8"
  "seven 127.0.0.9 -8"    # no 8BITMIME in its EHLO, any size: the large-message conversion target
)
RCPT5XX_REPLY="550 5.1.1 Recipient address rejected by rcpt5xx peer"
DATA554_REPLY="554 5.6.0 custom text from data554 peer"

log() { echo "peers: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- install

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# apt-get runs only when a command or package is missing.
install_packages() {
  local packages=() cmd
  for cmd in postfix smtp-sink; do command -v "$cmd" >/dev/null || packages+=(postfix); done
  installed postfix-pcre || packages+=(postfix-pcre) # postconf -m needs /etc/postfix/main.cf
  command -v knotd >/dev/null && command -v knotc >/dev/null || packages+=(knot)
  command -v dig >/dev/null || packages+=(dnsutils)
  command -v openssl >/dev/null || packages+=(openssl)                        # DKIM test keys
  /usr/bin/python3 -c 'import dkim' 2>/dev/null || packages+=(python3-dkim)  # dkimpy, the tests' DKIM verifier
  command -v swaks >/dev/null || packages+=(swaks)
  command -v python3 >/dev/null || packages+=(python3) # smtplib, a real SMTP client
  perl -MNet::SSLeay -e 1 2>/dev/null || packages+=(libnet-ssleay-perl) # swaks -tls
  command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || packages+=(maven)
  [[ ${#packages[@]} == 0 ]] && return 0
  log "installing ${packages[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null
}

install_artemis() {
  ARTEMIS_HOME=$PEERS_DIR/artemis/apache-artemis-$ARTEMIS_VERSION
  [[ -x $ARTEMIS_HOME/bin/artemis ]] && return 0
  log "fetching apache-artemis $ARTEMIS_VERSION with Maven"
  mkdir -p "$PEERS_DIR/artemis/download"
  (cd "$PEERS_DIR/artemis/download" &&
    mvn -B -Dstyle.color=never dependency:copy \
      -Dartifact=org.apache.artemis:apache-artemis:$ARTEMIS_VERSION:tar.gz:bin \
      -DoutputDirectory=. >mvn.log 2>&1) || die "mvn could not fetch apache-artemis; see $PEERS_DIR/artemis/download/mvn.log"
  tar -xzf "$PEERS_DIR/artemis/download/apache-artemis-$ARTEMIS_VERSION-bin.tar.gz" -C "$PEERS_DIR/artemis"
}

# ---------------------------------------------------------------- pid files

pidfile() { echo "$PEERS_DIR/pids/$1.pid"; }

# True when the recorded pid runs and its command line still contains $2
# (guards against a recycled pid).
recorded_pid_alive() {
  local f pid
  f=$(pidfile "$1")
  [[ -f $f ]] || return 1
  pid=$(cat "$f")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$2"
}

# Runs a command detached in its own session, output to a log, pid recorded.
spawn() {
  local name=$1 logfile=$2
  shift 2
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

stop_recorded() {
  local name=$1 marker=$2 f pid
  f=$(pidfile "$name")
  if recorded_pid_alive "$name" "$marker"; then
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) ignored TERM, killing"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "stopped $name ($pid)"
  fi
  rm -f "$f"
}

# Refuses to start a peer whose address is taken by something it did not
# start (e.g. peers started from another state directory).
require_free() {
  if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
    die "$1:$2 is already in use by a process this state directory ($PEERS_DIR) did not start"
  fi
}

wait_for_tcp() {
  local host=$1 port=$2 what=$3
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "$what did not open $host:$port (see its log under $PEERS_DIR)"
}

# ---------------------------------------------------------------- DKIM keys

# Test-only DKIM keys, made once per state directory; their public halves are
# published in the zone below. "unpublished" signs with the Ed25519 key under a
# selector that has no record, so the relay must warn about it.
DKIM_RSA_DOMAIN=dkim-rsa DKIM_RSA_SELECTOR=rsa2048
DKIM_ED_DOMAIN=dkim-ed DKIM_ED_SELECTOR=ed
DKIM_UNPUBLISHED_DOMAIN=dkim-unpublished DKIM_UNPUBLISHED_SELECTOR=none

make_dkim_keys() {
  local d=$PEERS_DIR/dkim
  mkdir -p "$d"
  [[ -f $d/rsa2048.pem ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/rsa2048.pem" 2>/dev/null
  [[ -f $d/ed25519.pem ]] || openssl genpkey -algorithm ed25519 -out "$d/ed25519.pem" 2>/dev/null
  chmod 755 "$d"
  chmod 644 "$d"/*.pem # test keys: the tests and the relay run as the calling user
}

# The TXT record of a key in zone-file syntax, in strings of at most 255 characters.
dkim_txt() {
  local pem=$1 kind=$2 p
  if [[ $kind == rsa ]]; then
    p=$(openssl pkey -in "$pem" -pubout -outform DER | base64 -w0)
  else
    p=$(openssl pkey -in "$pem" -pubout -outform DER | tail -c 32 | base64 -w0) # RFC 8463: the raw 32-byte key
  fi
  local text="v=DKIM1; k=$kind; p=$p" out=""
  while [[ -n $text ]]; do
    out+="\"${text:0:255}\" "
    text=${text:255}
  done
  echo "$out"
}

# ---------------------------------------------------------------- Knot DNS

write_zone() {
  cat >"$1" <<EOF
\$ORIGIN $ZONE.
\$TTL 5
@           SOA   ns.$ZONE. hostmaster.$ZONE. 1 60 60 3600 5
@           NS    ns
ns          A     127.0.0.1
mx-strict   A     127.0.0.2
mx-lenient  A     127.0.0.3
mx-rcpt4xx  A     127.0.0.4
mx-rcpt5xx  A     127.0.0.5
mx-dropdata A     127.0.0.6
mx-data554  A     127.0.0.7
mx-sink     A     127.0.0.8
mx-seven    A     127.0.0.9
mx-refused  A     $REFUSED_HOST

good        MX 10 mx-strict
lenient     MX 10 mx-lenient
pref        MX 10 mx-refused
pref        MX 20 mx-lenient
equal       MX 10 mx-lenient
equal       MX 10 mx-strict
implicit    A     127.0.0.3
nullmx      MX 0  .
dangling    MX 10 nowhere
rcpt4xx     MX 10 mx-rcpt4xx
rcpt5xx     MX 10 mx-rcpt5xx
dropdata    MX 10 mx-dropdata
data554     MX 10 mx-data554
sink        MX 10 mx-sink
seven       MX 10 mx-seven
$DKIM_RSA_SELECTOR._domainkey.$DKIM_RSA_DOMAIN TXT $(dkim_txt "$PEERS_DIR/dkim/rsa2048.pem" rsa)
$DKIM_ED_SELECTOR._domainkey.$DKIM_ED_DOMAIN TXT $(dkim_txt "$PEERS_DIR/dkim/ed25519.pem" ed25519)
EOF
}

start_knot() {
  local d=$PEERS_DIR/knot
  if recorded_pid_alive knot "$d/knot.conf"; then log "knot already running"; return 0; fi
  require_free 127.0.0.1 "$DNS_PORT"
  mkdir -p "$d/run" "$d/db" "$d/zones"
  write_zone "$d/zones/$ZONE.zone"
  # servfail.test is declared but its zone file is never written: Knot then
  # answers SERVFAIL for every name in it.
  rm -f "$d/zones/$SERVFAIL_ZONE.zone"
  cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d/run"
    listen: 127.0.0.1@$DNS_PORT
database:
    storage: "$d/db"
log:
  - target: "$d/knot.log"
    any: info
template:
  - id: default
    storage: "$d/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $ZONE
  - domain: $SERVFAIL_ZONE
EOF
  knotc -c "$d/knot.conf" conf-check >/dev/null
  spawn knot "$d/stdout.log" knotd -c "$d/knot.conf"
  for _ in $(seq 1 50); do
    if dig @127.0.0.1 -p "$DNS_PORT" +time=1 +tries=1 SOA "$ZONE" 2>/dev/null | grep -q 'status: NOERROR'; then
      log "knot answers on 127.0.0.1:$DNS_PORT"
      return 0
    fi
    sleep 0.2
  done
  die "knot does not answer; see $d/knot.log"
}

# ---------------------------------------------------------------- Postfix

# $1 name, $2 address (empty: no SMTP server), $3 "strict", "lenient" or "client"
write_postfix_config() {
  local name=$1 addr=$2 kind=$3 d=$PEERS_DIR/postfix-$1
  mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/mail"
  chown "$PEER_USER:$PEER_GROUP" "$d/mail"
  chown postfix:postfix "$d/data"
  cat >"$d/etc/main.cf" <<EOF
# MailRoute interop peer "$name" ($kind), written by scripts/peers.sh
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx-$name.$ZONE
mydomain = $ZONE
myorigin = \$myhostname
mydestination =
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP Postfix ($kind MailRoute peer)
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
biff = no
maillog_file = $d/maillog
maillog_file_prefixes = $PEERS_DIR
EOF
  if [[ $kind != client ]]; then
    cat >>"$d/etc/main.cf" <<EOF
# Every recipient of every domain lands in one Maildir.
virtual_mailbox_domains = static:all
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:$(id -u "$PEER_USER")
virtual_gid_maps = static:$(getent group "$PEER_GROUP" | cut -d: -f3)
EOF
  fi
  if [[ $kind == strict ]]; then
    cat >>"$d/etc/main.cf" <<EOF
# qmail-like: refuse bare LF, also from loopback clients.
smtpd_forbid_bare_newline = reject
smtpd_forbid_bare_newline_exclusions =
# Domino-like: no 8BITMIME, no SMTPUTF8, and refuse 8-bit data anyway.
smtpd_discard_ehlo_keywords = 8bitmime, silent-discard
smtputf8_enable = no
header_checks = pcre:$d/etc/8bit_checks
body_checks = pcre:$d/etc/8bit_checks
message_size_limit = 1048576
EOF
    printf '%s\n' '/[\x80-\xFF]/ REJECT 5.6.0 8-bit data not accepted: 8BITMIME was not announced' >"$d/etc/8bit_checks"
  fi
  if [[ $kind == client ]]; then
    cat >>"$d/etc/main.cf" <<EOF
# A real MTA queueing into MailRoute's SMTP listener (mail injected with sendmail -C $d/etc).
# The interop test points relayhost at the relay it starts (postconf -e, postfix reload).
relayhost = [127.0.0.1]:2525
smtp_tls_security_level = none
EOF
  fi
  # The Debian master.cf with the public smtpd replaced by one bound to
  # $addr:25 and no chroot (the instance has no chroot tree).
  awk -v addr="$addr" '
    /^smtp[ \t]+inet/ { if (addr != "") print addr ":25 inet n - n - - smtpd"; next }
    /^[a-z]/ && NF >= 8 { $5 = "n" }
    { print }' /etc/postfix/master.cf.proto >"$d/etc/master.cf"
}

start_postfix() {
  local name=$1 addr=$2 kind=$3 d=$PEERS_DIR/postfix-$1
  if postfix -c "$d/etc" status >/dev/null 2>&1; then log "postfix-$name already running"; return 0; fi
  [[ -z $addr ]] || require_free "$addr" 25
  write_postfix_config "$name" "$addr" "$kind"
  postfix -c "$d/etc" check
  postfix -c "$d/etc" start
  if [[ -z $addr ]]; then
    log "postfix-$name ($kind) runs (no SMTP server of its own)"
    return 0
  fi
  wait_for_tcp "$addr" 25 "postfix-$name"
  log "postfix-$name ($kind) listens on $addr:25"
}

stop_postfix() {
  local d=$PEERS_DIR/postfix-$1
  [[ -f $d/etc/main.cf ]] || return 0
  if postfix -c "$d/etc" status >/dev/null 2>&1; then
    postfix -c "$d/etc" stop
    # "postfix stop" only signals the master; wait until it is gone so that a
    # following start can bind the address again.
    for _ in $(seq 1 50); do
      postfix -c "$d/etc" status >/dev/null 2>&1 || break
      sleep 0.2
    done
    log "stopped postfix-$1"
  fi
}

# ---------------------------------------------------------------- smtp-sink

sink_options() {
  # Reply texts for the hard rejects; the others use smtp-sink's defaults.
  case $1 in
    rcpt5xx) printf '%s\0' -B "$RCPT5XX_REPLY" ;;
    data554) printf '%s\0' -B "$DATA554_REPLY" ;;
  esac
}

start_sinks() {
  local spec name addr d
  for spec in "${SINKS[@]}"; do
    read -r name addr opts <<<"$spec"
    d=$PEERS_DIR/sink-$name
    if recorded_pid_alive "sink-$name" "$addr:25"; then log "sink-$name already running"; continue; fi
    require_free "$addr" 25
    mkdir -p "$d/dump"
    chown "$PEER_USER:$PEER_GROUP" "$d/dump"
    local extra=()
    while IFS= read -r -d '' a; do extra+=("$a"); done < <(sink_options "$name")
    # -d: one dump file per received message (dump/msg.<hex>), so tests can
    # count and inspect what arrived. -u: smtp-sink refuses to run as root.
    # -a -C -F: no AUTH, XCLIENT, XFORWARD in EHLO, like a plain MX.
    # shellcheck disable=SC2086
    spawn "sink-$name" "$d/smtp-sink.log" \
      smtp-sink -u "$PEER_USER" -a -C -F -h "mx-$name.$ZONE" -d "$d/dump/msg." ${opts:-} "${extra[@]}" "$addr:25" 100
    wait_for_tcp "$addr" 25 "sink-$name"
    recorded_pid_alive "sink-$name" "$addr:25" || die "sink-$name exited; see $d/smtp-sink.log"
    log "sink-$name listens on $addr:25"
  done
}

stop_sinks() {
  local spec name addr
  for spec in "${SINKS[@]}"; do
    read -r name addr _ <<<"$spec"
    stop_recorded "sink-$name" "$addr:25"
  done
}

# ---------------------------------------------------------------- Artemis

start_artemis() {
  install_artemis
  local inst=$PEERS_DIR/artemis/broker
  if recorded_pid_alive artemis "$inst"; then log "artemis already running"; return 0; fi
  require_free 127.0.0.1 "$ARTEMIS_PORT"
  if [[ ! -f $inst/etc/broker.xml ]]; then
    # Only the core acceptor, on 127.0.0.1:61617 (MailRoute's embedded broker
    # has 61616); no web console.
    "$ARTEMIS_HOME/bin/artemis" create --silent --force --user "$ARTEMIS_USER" --password "$ARTEMIS_PASSWORD" \
      --allow-anonymous --host 127.0.0.1 --default-port "$ARTEMIS_PORT" --no-web \
      --no-amqp-acceptor --no-stomp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor \
      --nio --java-memory 512M "$inst" >"$PEERS_DIR/artemis/create.log"
  fi
  spawn artemis "$PEERS_DIR/artemis/artemis.log" "$inst/bin/artemis" run
  wait_for_tcp 127.0.0.1 "$ARTEMIS_PORT" artemis
  recorded_pid_alive artemis "$inst" || die "artemis exited; see $PEERS_DIR/artemis/artemis.log"
  log "artemis listens on 127.0.0.1:$ARTEMIS_PORT"
}

# ---------------------------------------------------------------- peers.env

write_env() {
  local f=$PEERS_DIR/peers.env spec name addr up
  {
    echo "# Written by scripts/peers.sh start. KEY=VALUE; the value is everything after the first '=' (no quoting)."
    echo "PEERS_DIR=$PEERS_DIR"
    echo "PEERS_DNS_SERVER=127.0.0.1:$DNS_PORT"
    echo "PEERS_DNS_HOST=127.0.0.1"
    echo "PEERS_DNS_PORT=$DNS_PORT"
    echo "PEERS_DNS_ZONE=$ZONE"
    echo "PEERS_DNS_LOG=$PEERS_DIR/knot/knot.log"
    echo "PEERS_DOMAIN_GOOD=good.$ZONE"
    echo "PEERS_DOMAIN_LENIENT=lenient.$ZONE"
    echo "PEERS_DOMAIN_PREF=pref.$ZONE"
    echo "PEERS_DOMAIN_EQUAL=equal.$ZONE"
    echo "PEERS_DOMAIN_IMPLICIT=implicit.$ZONE"
    echo "PEERS_DOMAIN_NULLMX=nullmx.$ZONE"
    echo "PEERS_DOMAIN_DANGLING=dangling.$ZONE"
    echo "PEERS_DOMAIN_NXDOMAIN=nxdomain.$ZONE"
    echo "PEERS_DOMAIN_SERVFAIL=$SERVFAIL_ZONE"
    echo "PEERS_SMTP_PORT=25"
    echo "PEERS_REFUSED_HOST=$REFUSED_HOST"
    for name in strict lenient; do
      up=${name^^}
      [[ $name == strict ]] && addr=127.0.0.2 || addr=127.0.0.3
      echo "PEERS_${up}_HOST=$addr"
      echo "PEERS_${up}_HOSTNAME=mx-$name.$ZONE"
      echo "PEERS_${up}_MAILDIR=$PEERS_DIR/postfix-$name/mail/Maildir"
      echo "PEERS_${up}_MAILLOG=$PEERS_DIR/postfix-$name/maillog"
      echo "PEERS_${up}_CONFIG_DIR=$PEERS_DIR/postfix-$name/etc"
    done
    echo "PEERS_CLIENT_HOSTNAME=mx-client.$ZONE"
    echo "PEERS_CLIENT_CONFIG_DIR=$PEERS_DIR/postfix-client/etc"
    echo "PEERS_CLIENT_MAILLOG=$PEERS_DIR/postfix-client/maillog"
    echo "PEERS_STRICT_MAX_SIZE=1048576"
    for spec in "${SINKS[@]}"; do
      read -r name addr _ <<<"$spec"
      up=${name^^}
      echo "PEERS_${up}_HOST=$addr"
      echo "PEERS_${up}_DOMAIN=$name.$ZONE"
      echo "PEERS_${up}_DUMP_DIR=$PEERS_DIR/sink-$name/dump"
      echo "PEERS_${up}_LOG=$PEERS_DIR/sink-$name/smtp-sink.log"
    done
    echo "PEERS_RCPT4XX_REPLY=450 4.3.0 Error: command failed"
    echo "PEERS_RCPT5XX_REPLY=$RCPT5XX_REPLY"
    echo "PEERS_DATA554_REPLY=$DATA554_REPLY"
    echo "PEERS_ARTEMIS_URL=tcp://127.0.0.1:$ARTEMIS_PORT"
    echo "PEERS_ARTEMIS_HOST=127.0.0.1"
    echo "PEERS_ARTEMIS_PORT=$ARTEMIS_PORT"
    echo "PEERS_ARTEMIS_USER=$ARTEMIS_USER"
    echo "PEERS_ARTEMIS_PASSWORD=$ARTEMIS_PASSWORD"
    echo "PEERS_ARTEMIS_HOME=$PEERS_DIR/artemis/apache-artemis-$ARTEMIS_VERSION"
    echo "PEERS_ARTEMIS_INSTANCE=$PEERS_DIR/artemis/broker"
    echo "PEERS_ARTEMIS_LOG=$PEERS_DIR/artemis/artemis.log"
    echo "PEERS_DKIM_RSA_DOMAIN=$DKIM_RSA_DOMAIN.$ZONE"
    echo "PEERS_DKIM_RSA_SELECTOR=$DKIM_RSA_SELECTOR"
    echo "PEERS_DKIM_RSA_KEY=$PEERS_DIR/dkim/rsa2048.pem"
    echo "PEERS_DKIM_ED25519_DOMAIN=$DKIM_ED_DOMAIN.$ZONE"
    echo "PEERS_DKIM_ED25519_SELECTOR=$DKIM_ED_SELECTOR"
    echo "PEERS_DKIM_ED25519_KEY=$PEERS_DIR/dkim/ed25519.pem"
    echo "PEERS_DKIM_UNPUBLISHED_DOMAIN=$DKIM_UNPUBLISHED_DOMAIN.$ZONE"
    echo "PEERS_DKIM_UNPUBLISHED_SELECTOR=$DKIM_UNPUBLISHED_SELECTOR"
  } >"$f.tmp"
  mv "$f.tmp" "$f"
  log "wrote $f"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  [[ $(id -u) == 0 ]] || die "must run as root (port 25 on 127.0.0.x, Postfix instances, apt-get)"
  export PATH=$PATH:/usr/sbin:/sbin
  install_packages
  mkdir -p "$PEERS_DIR/pids"
  PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P)
  # Postfix daemons and the delivery user work inside the state directory. A checkout under a private
  # directory (mktemp -d, a home directory) is not reachable for them: keep the state under /var/tmp
  # and leave target/peers as a link to it, so the tests find peers.env where they always look.
  if [[ -z ${PEERS_DIR_GIVEN:-} ]] && ! runuser -u postfix -- test -x "$PEERS_DIR"; then
    local outside
    outside=/var/tmp/mailroute-peers-$(printf %s "$REPO_ROOT" | sha1sum | cut -c1-12)
    mkdir -p "$outside/pids"
    chmod 755 "$outside"
    rm -rf "$REPO_ROOT/target/peers"
    ln -s "$outside" "$REPO_ROOT/target/peers"
    PEERS_DIR=$outside
  fi
  for u in postfix "$PEER_USER"; do
    runuser -u "$u" -- test -x "$PEERS_DIR" ||
      die "user $u cannot reach $PEERS_DIR (a parent directory is not searchable); set PEERS_DIR elsewhere, e.g. /var/tmp/mailroute-peers"
  done
  make_dkim_keys
  start_knot
  start_postfix strict 127.0.0.2 strict
  start_postfix lenient 127.0.0.3 lenient
  start_postfix client "" client
  start_sinks
  start_artemis
  write_env
}

cmd_stop() {
  export PATH=$PATH:/usr/sbin:/sbin
  [[ -d $PEERS_DIR ]] || { log "nothing started ($PEERS_DIR missing)"; return 0; }
  PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P)
  stop_recorded artemis "$PEERS_DIR/artemis/broker"
  stop_sinks
  stop_postfix client
  stop_postfix lenient
  stop_postfix strict
  stop_recorded knot "$PEERS_DIR/knot/knot.conf"
}

# One line per peer; exits 3 when any peer is not running.
cmd_status() {
  export PATH=$PATH:/usr/sbin:/sbin
  [[ -d $PEERS_DIR ]] || { echo "nothing started ($PEERS_DIR missing)"; return 3; }
  PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P)
  local down=0 spec name addr
  report() { # name, detail, check command...
    local n=$1 detail=$2
    shift 2
    if "$@"; then printf '%-16s running  %s\n' "$n" "$detail"; else printf '%-16s stopped  %s\n' "$n" "$detail"; down=3; fi
  }
  postfix_up() { postfix -c "$PEERS_DIR/postfix-$1/etc" status >/dev/null 2>&1; }
  report knot "127.0.0.1:$DNS_PORT udp+tcp" recorded_pid_alive knot "$PEERS_DIR/knot/knot.conf"
  report postfix-strict 127.0.0.2:25 postfix_up strict
  report postfix-lenient 127.0.0.3:25 postfix_up lenient
  report postfix-client "relayhost: MailRoute" postfix_up client
  for spec in "${SINKS[@]}"; do
    read -r name addr _ <<<"$spec"
    report "sink-$name" "$addr:25" recorded_pid_alive "sink-$name" "$addr:25"
  done
  report artemis "127.0.0.1:$ARTEMIS_PORT" recorded_pid_alive artemis "$PEERS_DIR/artemis/broker"
  return $down
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
