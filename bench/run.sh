#!/usr/bin/env bash
# Side-by-side throughput and memory benchmark: Rampart vs Postfix as an outbound relay, in one run.
#
# Both relays run in turn inside a private network namespace, with the same load:
#   smtp-source --SMTP--> relay under test --MX lookup (NSD)--> smtp-sink (the "remote MX")
# and the same durability (both fsync every message before answering 250). Reported: submission rate,
# end-to-end rate (until the sink has every message), peak resident memory, and Rampart/Postfix ratios.
# Absolute numbers depend on the machine; compare the ratios.
#
# Usage (root):  bench/run.sh [-m messages] [-s sessions] [-l size-bytes]
# Needs: postfix (smtp-source, smtp-sink), nsd, iproute2, a JDK >= 21 (found by bin/rampart).
set -euo pipefail

MESSAGES=2000 SESSIONS=20 SIZE=4096
while getopts "m:s:l:" o; do
  case $o in m) MESSAGES=$OPTARG ;; s) SESSIONS=$OPTARG ;; l) SIZE=$OPTARG ;; *) exit 2 ;; esac
done

[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root (network namespace, port 25)" >&2; exit 1; }
for t in smtp-source smtp-sink postfix nsd ip; do
  command -v $t >/dev/null || { echo "bench/run.sh: missing $t (apt-get install postfix nsd iproute2)" >&2; exit 1; }
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
NS=rampart-bench-$$
W=$(mktemp -d /tmp/rampart-bench.XXXXXX)
chmod 755 "$W"   # the sink writes as nobody
PIDS=()
in_ns() { ip netns exec "$NS" "$@"; }

cleanup() {
  set +e
  exec 2>/dev/null   # no job-control chatter while the servers are stopped
  [ -f "$W/pf/etc/main.cf" ] && in_ns postfix -c "$W/pf/etc" stop >/dev/null 2>&1
  # Every process in the namespace was started by this script.
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for _ in $(seq 1 50); do [ -z "$(ip netns pids "$NS" 2>/dev/null)" ] && break; sleep 0.1; done
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
  rm -rf "/etc/netns/$NS"
  [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

ip netns add "$NS"
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.1\n' > "/etc/netns/$NS/resolv.conf"
in_ns ip link set lo up

# --- DNS: bench.test MX -> mx.bench.test 127.0.3.1 (the sink) ---
mkdir -p "$W/nsd"
cat > "$W/nsd/bench.test.zone" <<ZONE
\$ORIGIN bench.test.
\$TTL 3600
@   IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 60
@   IN NS  ns.bench.test.
ns  IN A   127.0.0.1
@   IN MX  10 mx.bench.test.
mx  IN A   127.0.3.1
ZONE
cat > "$W/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: 53
  zonesdir: "$W/nsd"
  pidfile: "$W/nsd/nsd.pid"
  database: ""
  username: ""
  xfrdfile: "$W/nsd/xfrd.state"
  zonelistfile: "$W/nsd/zone.list"
  logfile: "$W/nsd/nsd.log"
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
CONF
in_ns nsd -d -c "$W/nsd/nsd.conf" & PIDS+=($!)

# --- the remote MX: smtp-sink writing one file per message ---
mkdir -p "$W/sink"
chown nobody "$W/sink"
in_ns smtp-sink -u nobody -d "$W/sink/%H%M%S." 127.0.3.1:25 1024 & PIDS+=($!)

wait_port() { # host port
  for _ in $(seq 1 600); do
    in_ns bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on $1:$2" >&2; return 1
}
delivered() { find "$W/sink" -type f | wc -l; }
now_ms() { date +%s%3N; }

# run_load NAME HOST -> prints "submit_ms e2e_ms"
run_load() {
  local before start sub end
  before=$(delivered)
  start=$(now_ms)
  in_ns smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f sender@src.test -t rcpt@bench.test "$2:2525" \
    > "$W/$1.source.log" 2>&1
  sub=$(now_ms)
  local deadline=$(( $(date +%s) + 900 ))
  while [ $(( $(delivered) - before )) -lt "$MESSAGES" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: $1 did not deliver all messages" >&2; return 1; }
    sleep 0.2
  done
  end=$(now_ms)
  echo "$(( sub - start )) $(( end - start ))"
}
peak_rss_kb() { # pids...
  local total=0 v
  for p in "$@"; do v=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0); total=$(( total + ${v:-0} )); done
  echo $total
}

wait_port 127.0.3.1 25

# --- Rampart ---
mkdir -p "$W/rampart"
cat > "$W/rampart/rampart.yaml" <<YAML
smtp:
  listen: ["127.0.2.1:2525"]
  hostname: relay-rampart.bench.test
  allowed-networks: ["127.0.0.0/8"]
queue:
  dir: "$W/rampart/spool"
admin:
  listen: "127.0.2.1:8025"
dns:
  servers: ["127.0.0.1:53"]
  dnssec: "off"   # the test zone is not signed
log:
  level: warn
YAML
"$repo/bin/rampart" version >/dev/null   # builds the jar if needed, outside the timed part
in_ns "$repo/bin/rampart" serve --config "$W/rampart/rampart.yaml" > "$W/rampart/out.log" 2>&1 & RPID=$!
PIDS+=($RPID)
wait_port 127.0.2.1 2525
JPID=$(pgrep -P "$RPID" java || echo "$RPID")
read -r r_sub r_e2e < <(run_load rampart 127.0.2.1)
r_rss=$(peak_rss_kb "$JPID")
kill "$RPID"; wait "$RPID" 2>/dev/null || true

# --- Postfix (own instance, default durability: fsync before 250) ---
P="$W/pf"
mkdir -p "$P/etc" "$P/queue" "$P/data"
chown postfix:postfix "$P/data"
cat > "$P/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $P/queue
data_directory = $P/data
mail_owner = postfix
setgid_group = postdrop
# Postfix accepts only configured interface addresses here; the listener's own address is in master.cf.
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay-postfix.bench.test
mydestination =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_tls_security_level = may
maillog_file_prefixes = $W
maillog_file = $P/maillog
CF
cat > "$P/etc/master.cf" <<'CF'
127.0.4.1:2525 inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
in_ns postfix -c "$P/etc" check
in_ns postfix -c "$P/etc" start
wait_port 127.0.4.1 2525
read -r p_sub p_e2e < <(run_load postfix 127.0.4.1)
master=$(cat "$P/queue/pid/master.pid" | tr -d ' ')
p_rss=$(peak_rss_kb "$master" $(pgrep -P "$master"))
in_ns postfix -c "$P/etc" stop >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
rate() { awk -v n="$MESSAGES" -v ms="$1" 'BEGIN { printf "%.0f", n * 1000 / ms }'; }
echo
echo "load: $MESSAGES messages of $SIZE bytes over $SESSIONS sessions (same machine, same run)"
printf '%-28s %12s %12s %16s\n' "" "Rampart" "Postfix" "Rampart/Postfix"
printf '%-28s %12s %12s %16s\n' "submission msgs/s" "$(rate "$r_sub")" "$(rate "$p_sub")" "$(ratio "$p_sub" "$r_sub")"
printf '%-28s %12s %12s %16s\n' "end-to-end msgs/s" "$(rate "$r_e2e")" "$(rate "$p_e2e")" "$(ratio "$p_e2e" "$r_e2e")"
printf '%-28s %12s %12s %16s\n' "peak RSS (MiB)" "$((r_rss / 1024))" "$((p_rss / 1024))" "$(ratio "$r_rss" "$p_rss")"
echo "(rate ratios > 1: Rampart faster; RSS ratio < 1: Rampart smaller. Postfix RSS sums master and its children at the end.)"
