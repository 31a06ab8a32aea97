#!/usr/bin/env bash
# End-to-end delivery inside a private network namespace, everything real:
#   swaks --SMTP--> Rampart (smtp.listen on a namespace address, dns.servers -> NSD)
#         --MX lookup--> NSD --SMTP+STARTTLS--> Postfix (the recipient domain's MX, Maildir delivery)
# Exit 0 when the message arrived over TLS and Rampart's delivery log says so; prints the evidence.
#
# Usage (root): namespace-delivery.sh RAMPART_JAR [JAVA]
set -euo pipefail

JAR=${1:?usage: namespace-delivery.sh RAMPART_JAR [JAVA]}
JAVA=${2:-java}
[ "$(id -u)" = 0 ] || { echo "namespace-delivery: needs root (ip netns, port 25)" >&2; exit 1; }
for t in ip nsd postfix swaks openssl; do
  command -v $t >/dev/null || { echo "namespace-delivery: missing $t (.ci/install-test-deps installs it)" >&2; exit 1; }
done

NS=rampart-e2e-$$
W=$(mktemp -d /tmp/rampart-netns.XXXXXX)
chmod 755 "$W"
PIDS=()
in_ns() { ip netns exec "$NS" "$@"; }
cleanup() {
  set +e
  # Every process in the namespace was started by this script.
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for _ in $(seq 1 50); do [ -z "$(ip netns pids "$NS" 2>/dev/null)" ] && break; sleep 0.1; done
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
  rm -rf "/etc/netns/$NS"; [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
fail() {
  echo "namespace-delivery: FAILED: $*" >&2
  for f in "$W/rampart.out" "$W/pf/maillog" "$W/nsd/nsd.log"; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

ip netns add "$NS"
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.1\n' > "/etc/netns/$NS/resolv.conf"
in_ns ip link set lo up

# DNS: example.test MX -> mx.example.test (127.0.3.1); the relay listens on 127.0.2.1.
mkdir -p "$W/nsd"
cat > "$W/nsd/example.test.zone" <<ZONE
\$ORIGIN example.test.
\$TTL 300
@    IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 60
@    IN NS  ns.example.test.
ns   IN A   127.0.0.1
@    IN MX  10 mx.example.test.
mx   IN A   127.0.3.1
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
remote-control:
  control-enable: no
zone:
  name: example.test
  zonefile: example.test.zone
CONF
in_ns nsd -d -c "$W/nsd/nsd.conf" & PIDS+=($!)

# The MX: a Postfix instance with STARTTLS, delivering to a Maildir.
P="$W/pf"
mkdir -p "$P/conf" "$P/queue" "$P/data" "$P/mail"
chown postfix:postfix "$P/data" "$P/mail"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=mx.example.test" \
  -addext "subjectAltName=DNS:mx.example.test" -keyout "$P/conf/key.pem" -out "$P/conf/cert.pem" 2>/dev/null
uid=$(id -u postfix); gid=$(id -g postfix)
cat > "$P/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $P/queue
data_directory = $P/data
myhostname = mx.example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
smtpd_peername_lookup = no
maillog_file_prefixes = $W
maillog_file = $P/maillog
virtual_mailbox_domains = example.test
virtual_mailbox_base = $P/mail
virtual_mailbox_maps = texthash:$P/conf/mailboxes
virtual_minimum_uid = 1
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
default_transport = error:test receiver sends no mail
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_security_level = may
smtpd_tls_cert_file = $P/conf/cert.pem
smtpd_tls_key_file = $P/conf/key.pem
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
CF
printf '@example.test example.test/\n' > "$P/conf/mailboxes"
cat > "$P/conf/master.cf" <<'CF'
127.0.3.1:25 inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
in_ns postfix -c "$P/conf" check
in_ns postfix -c "$P/conf" start-fg > "$W/postfix.out" 2>&1 & PIDS+=($!)

# Rampart, configured only through its config file, listening on a namespace address.
cat > "$W/rampart.yaml" <<YAML
smtp:
  listen: ["127.0.2.1:2525"]
  hostname: relay.example.test
  allowed-networks: ["127.0.0.0/8"]
queue:
  dir: "$W/spool"
admin:
  listen: "127.0.2.1:8025"
dns:
  servers: ["127.0.0.1:53"]
  dnssec: "off"   # the test zone is not signed
YAML
in_ns "$JAVA" -jar "$JAR" serve --config "$W/rampart.yaml" > "$W/rampart.out" 2>&1 & PIDS+=($!)

wait_port() {
  for _ in $(seq 1 300); do
    in_ns bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "nothing listens on $1:$2"
}
wait_port 127.0.3.1 25
wait_port 127.0.2.1 2525

in_ns swaks --server 127.0.2.1:2525 --from app@sender.test --to user@example.test \
  --header "Subject: namespace delivery $NS" > "$W/swaks.out" 2>&1 || fail "swaks: $(tail -n 5 "$W/swaks.out")"
grep -E '^<-  250 2\.0\.0 .*queued as' "$W/swaks.out" || fail "no 250 queued reply"

for _ in $(seq 1 300); do
  msg=$(find "$P/mail/example.test/new" -type f 2>/dev/null | head -n 1 || true)
  [ -n "$msg" ] && break
  sleep 0.1
done
[ -n "${msg:-}" ] || fail "the message did not reach the MX's Maildir"
# The MX may file the message before the relay has read its 250 and logged the attempt: wait for both.
for _ in $(seq 1 300); do
  line=$(grep -E 'rampart\.delivery .*rcpt=user@example\.test status=sent' "$W/rampart.out" | tail -n 1 || true)
  [ -n "$line" ] && break
  sleep 0.1
done
[ -n "$line" ] || fail "no status=sent delivery log line"
echo "$line" | grep -q 'relay=mx.example.test\[127.0.3.1\]:25 tls=unauthenticated ' || fail "delivery log line lacks relay/tls: $line"
grep -q '(using TLSv1\.[23]' "$msg" || fail "the Received header of the delivered message shows no TLS"
echo "delivery log: ${line#*rampart.delivery }"
echo "received:     $(grep -A2 -m1 '^Received: from relay.example.test' "$msg" | tr -s ' \n\t' ' ')"
echo "namespace-delivery: OK"
