#!/bin/sh
# Runs the real broker (the quick-start jar, embedded database, HTTPS) with three member trust domains whose
# bundle endpoints are served over HTTPS, registers nodes, and has accord-agent fetch their feeds:
#   - the agent's HTTPS fetch, bearer token, ETag/304 and feed parser against the broker's own output;
#   - a wrong token is refused with the broker's reason;
#   - the feeds the guest uses (feed-a/b/c.json, and feed-b-noa.json after the td-b <- td-a relationship
#     is deleted) are the broker's responses, saved into STAGE.
#   broker-interop.sh STAGE BROKER_JAR
set -eu
STAGE=$1; JAR=$2
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "[interop] FAIL: $*"; [ -f "$W/broker.log" ] && tail -30 "$W/broker.log"; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# TLS for the broker and the bundle endpoints: a self-signed localhost certificate, trusted explicitly.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/localhost.key" \
  -out "$W/localhost.crt" -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost" 2>/dev/null
openssl pkcs12 -export -in "$W/localhost.crt" -inkey "$W/localhost.key" -out "$W/ks.p12" -passout pass:changeit

mkdir -p "$W/bundles"
for td in td-a td-b td-c; do
  "$JAVA" "$HERE/MakeBundle.java" "$STAGE/pki/$td.ca.pem" 1 > "$W/bundles/$td.json" || fail "bundle for $td"
done
EP=$(port)
(cd "$W/bundles" && exec openssl s_server -quiet -WWW -accept "$EP" -cert "$W/localhost.crt" -key "$W/localhost.key") \
  > "$W/endpoint.log" 2>&1 &
pids="$pids $!"

BP=$(port); HP=$(port)
(cd "$W" && exec "$JAVA" -Dmicronaut.server.port="$HP" -Dmicronaut.server.ssl.enabled=true \
  -Dmicronaut.server.ssl.port="$BP" -Dmicronaut.server.ssl.build-self-signed=false \
  -Dmicronaut.server.ssl.key-store.path="file:$W/ks.p12" -Dmicronaut.server.ssl.key-store.password=changeit \
  -Dmicronaut.server.ssl.key-store.type=PKCS12 -Daccord.sync.web-pki-roots="$W/localhost.crt" \
  -jar "$JAR") > "$W/broker.log" 2>&1 &
pids="$pids $!"
B=https://localhost:$BP
T=accord-dev-admin-token
api() { # METHOD PATH [BODY]
  curl -sS --cacert "$W/localhost.crt" -X "$1" -H "Authorization: Bearer $T" -H 'Content-Type: application/json' \
    "$B$2" ${3:+-d "$3"}
}
i=0
until curl -sf --cacert "$W/localhost.crt" "$B/health" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 120 ] || fail "broker did not come up"; sleep 1
done
echo "[interop] broker up on $B (bundle endpoints on :$EP)"

for td in td-a td-b td-c; do
  api POST /v1/trust-domains "{\"name\":\"$td\",\"bundleEndpointUrl\":\"https://localhost:$EP/$td.json\",\"profile\":\"https_web\"}" \
    > "$W/td-$td.json"
  grep -q "\"name\":\"$td\"" "$W/td-$td.json" || fail "register $td: $(cat "$W/td-$td.json")"
done
rel() { api POST /v1/federation-relationships "{\"receiver\":\"$1\",\"source\":\"$2\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'; }
rel td-a td-b > /dev/null
REL_B_A=$(rel td-b td-a)
rel td-c td-a > /dev/null
[ -n "$REL_B_A" ] || fail "relationship td-b <- td-a"
for td in td-a td-b td-c; do
  api POST "/v1/trust-domains/$td/refresh" > /dev/null
  i=0
  until api GET "/v1/trust-domains/$td" | grep -q '"status":"fresh"'; do
    i=$((i + 1)); [ $i -lt 30 ] || fail "$td not fresh: $(api GET /v1/trust-domains/$td)"; sleep 1
  done
done
echo "[interop] td-a, td-b, td-c fresh"

node() { # name td workloads
  api PUT "/v1/nodes/$1" "{\"trustDomain\":\"$2\",\"mode\":\"enforce\",\"coveredPorts\":[7443,7444],\"workloads\":$3}" \
    | sed -n 's/.*"feedToken":"\([^"]*\)".*/\1/p' > "$W/$1.token"
  [ -s "$W/$1.token" ] || fail "node $1 got no feed token"
}
node node-a td-a '[{"spiffeId":"spiffe://td-a/client","selectors":{"uid":"1001"}},{"spiffeId":"spiffe://td-a/expired","selectors":{"uid":"1003"}}]'
node node-b td-b '[{"spiffeId":"spiffe://td-b/server","selectors":{"uid":"1002","exe":"/t/wl"}}]'
node node-c td-c '[{"spiffeId":"spiffe://td-c/server","selectors":{"uid":"1002"}}]'

AGENT=$STAGE/accord-agent
fetch() { "$AGENT" feed --broker "$B" --node "$1" --token-file "$W/$1.token" --broker-ca "$W/localhost.crt"; }
out=$(fetch node-a) || fail "agent fetch node-a: $out"
echo "[interop] $out" | head -2
echo "$out" | grep -q "FEED ok node=node-a trustDomain=td-a mode=enforce ports=7443,7444 workloads=spiffe://td-a/client,spiffe://td-a/expired" \
  || fail "node-a feed content: $out"
echo "$out" | grep -q "td-a@1" && echo "$out" | grep -q "td-b@1" || fail "node-a feed bundles: $out"
echo "$out" | grep -q "td-c@" && fail "node-a received td-c: $out"
echo "$out" | grep -q "FEED refetch not-modified" || fail "ETag revalidation: $out"
echo wrong-token > "$W/bad.token"
if bad=$("$AGENT" feed --broker "$B" --node node-a --token-file "$W/bad.token" --broker-ca "$W/localhost.crt" 2>&1); then
  fail "a wrong token was accepted"
fi
echo "$bad" | grep -q "broker answered 401" || fail "wrong token reason: $bad"
if bad=$("$AGENT" feed --broker "$B" --node node-a --token-file "$W/node-a.token" --broker-ca "$STAGE/pki/td-a.ca.pem" 2>&1); then
  fail "a broker certificate outside --broker-ca was accepted"
fi
echo "[interop] wrong token and untrusted broker certificate refused"

save() { curl -sSf --cacert "$W/localhost.crt" -H "Authorization: Bearer $(cat "$W/$1.token")" "$B/v1/nodes/$1/config" > "$STAGE/$2"; }
save node-a feed-a.json
save node-b feed-b.json
save node-c feed-c.json
api DELETE "/v1/federation-relationships/$REL_B_A" > /dev/null
i=0
until out=$(fetch node-b) && ! echo "$out" | grep -q "td-a@"; do
  i=$((i + 1)); [ $i -lt 30 ] || fail "td-a still in node-b's feed after the relationship was deleted: $out"; sleep 1
done
save node-b feed-b-noa.json
echo "[interop] PASS: feeds for the guest come from the broker (node-b without td-a after DELETE relationship)"
