#!/bin/sh
# node-kmod's whole test: host-side agent tests, then for each installed Debian kernel (6.1 and 6.12 when
# present): build the module warning-free, pack a guest, boot it in QEMU (TCG) and run the scenarios of
# guest-init.sh. Prints one summary line; exits non-zero on any failure.
#   ACCORD_KVERS="6.1.0-56-amd64 ..."   kernels to test (default: every /lib/modules/*/build with a /boot/vmlinuz)
#   ACCORD_ACCEL=kvm                     use KVM where it works (default tcg)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
NK=$(dirname "$HERE")
OUT=$HERE/out
STAGE=$OUT/stage
rm -rf "$OUT"
mkdir -p "$STAGE"
log() { printf '[node-kmod] %s\n' "$*"; }
die() { log "FAIL: $*"; echo "NODE-KMOD SUMMARY result=FAIL reason=\"$*\""; exit 1; }

for tool in qemu-system-x86_64 busybox cpio depmod gcc make openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (.ci/run installs it)"
done

log "agent: build and host tests"
make -s -C "$NK/agent" clean
make -s -C "$NK/agent" accord-agent test_agent || die "agent build"
"$HERE/gen-certs.sh" "$STAGE/pki"
"$NK/agent/test_agent" "$STAGE/pki" || die "agent host tests"
command -v valgrind >/dev/null 2>&1 || die "valgrind is missing (.ci/run installs it)"
valgrind -q --error-exitcode=9 "$NK/agent/test_agent" "$STAGE/pki" > "$OUT/valgrind.log" 2>&1 \
  || { cat "$OUT/valgrind.log"; die "agent host tests under valgrind (memcheck)"; }
log "agent host tests clean under valgrind memcheck"
cp "$NK/agent/accord-agent" "$STAGE/"
gcc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$STAGE/wl" "$HERE/wl.c" -lssl -lcrypto || die "wl build"

# Node feeds: fetched from the real broker (broker-interop.sh), or, only when ACCORD_NO_BROKER=1, written here in
# the broker's format (GET /v1/nodes/{node}/config) for a machine without the broker jar.
JAR=${ACCORD_BROKER_JAR:-$(ls "$NK"/../broker/target/broker-*-all.jar 2>/dev/null | head -1)}
if [ "${ACCORD_NO_BROKER:-0}" != 1 ]; then
  [ -n "$JAR" ] && [ -f "$JAR" ] || die "broker jar not found (build it first: ./mvnw -pl broker -am package -DskipTests; or ACCORD_NO_BROKER=1)"
  command -v curl >/dev/null 2>&1 || die "curl is missing"
  log "broker interop: the agent fetches the node feeds from $JAR"
  "$HERE/broker-interop.sh" "$STAGE" "$JAR" || die "broker interop"
else
  log "ACCORD_NO_BROKER=1: feeds written by run.sh, not fetched from the broker"
  pem() { awk '{printf "%s\\n", $0}' "$STAGE/pki/$1.ca.pem"; }
  bundle() { printf '{"trustDomain":"%s","sequence":%s,"x509AuthoritiesPem":"%s"}' "$1" "$2" "$(pem "$1")"; }
  feed() { # file node td workloads bundles...
    f=$1 node=$2 td=$3 wl=$4; shift 4
    b=""; for x in "$@"; do b="$b${b:+,}$x"; done
    printf '{"node":"%s","trustDomain":"%s","mode":"enforce","coveredPorts":[7443,7444],"workloads":%s,"bundles":[%s]}\n' \
      "$node" "$td" "$wl" "$b" > "$STAGE/$f"
  }
  feed feed-a.json node-a td-a \
    '[{"spiffeId":"spiffe://td-a/client","selectors":{"uid":"1001"}},{"spiffeId":"spiffe://td-a/expired","selectors":{"uid":"1003"}}]' \
    "$(bundle td-a 1)" "$(bundle td-b 1)"
  feed feed-b.json node-b td-b '[{"spiffeId":"spiffe://td-b/server","selectors":{"uid":"1002","exe":"/t/wl"}}]' "$(bundle td-b 1)" "$(bundle td-a 1)"
  feed feed-b-noa.json node-b td-b '[{"spiffeId":"spiffe://td-b/server","selectors":{"uid":"1002","exe":"/t/wl"}}]' "$(bundle td-b 1)"
  feed feed-c.json node-c td-c '[{"spiffeId":"spiffe://td-c/server","selectors":{"uid":"1002"}}]' "$(bundle td-c 1)" "$(bundle td-a 1)"
fi

KVERS=${ACCORD_KVERS:-}
if [ -z "$KVERS" ]; then
  for b in /lib/modules/*/build; do
    k=$(basename "$(dirname "$b")")
    [ -f "/boot/vmlinuz-$k" ] && KVERS="$KVERS $k"
  done
fi
[ -n "$KVERS" ] || die "no kernel with headers and an image under /lib/modules and /boot"

total_pass=0
total_fail=0
for K in $KVERS; do
  log "kernel $K: build the module"
  rm -rf "$NK/kmod/build-$K"
  make -C "$NK/kmod" KVER="$K" > "$OUT/build-$K.log" 2>&1 || { cat "$OUT/build-$K.log"; die "module build for $K"; }
  if grep -E "warning:|error:" "$OUT/build-$K.log"; then die "module build for $K has warnings"; fi
  log "kernel $K: pack and boot (${ACCORD_ACCEL:-tcg})"
  "$HERE/mkinitramfs.sh" "$K" "$NK/kmod/build-$K/accord_kmod.ko" "$STAGE" "$OUT/initramfs-$K.cpio.gz"
  start=$(date +%s)
  timeout "${ACCORD_GUEST_TIMEOUT:-600}" qemu-system-x86_64 -accel "${ACCORD_ACCEL:-tcg}" -cpu max -m 1024 -smp 2 -nographic -no-reboot \
    -kernel "/boot/vmlinuz-$K" -initrd "$OUT/initramfs-$K.cpio.gz" \
    -append "console=ttyS0 panic=-1 loglevel=4 oops=panic" > "$OUT/serial-$K.log" 2>&1 || true
  log "kernel $K: guest ran $(( $(date +%s) - start )) s; serial log $OUT/serial-$K.log"
  grep -a "^ACCORD" "$OUT/serial-$K.log" | tr -d '\r' || true
  grep -a -A12 "^ACCORD FAIL" "$OUT/serial-$K.log" | grep -av "^ACCORD" | tr -d '\r' | head -80 || true
  summary=$(grep -a "^ACCORD SUMMARY" "$OUT/serial-$K.log" | tr -d '\r' || true)
  if [ -z "$summary" ]; then
    tail -40 "$OUT/serial-$K.log"
    die "kernel $K: the guest did not finish (no summary line)"
  fi
  p=$(echo "$summary" | sed -n 's/.*pass=\([0-9]*\).*/\1/p')
  f=$(echo "$summary" | sed -n 's/.*fail=\([0-9]*\).*/\1/p')
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
done
echo "NODE-KMOD SUMMARY kernels=\"$(echo $KVERS)\" scenario_checks_passed=$total_pass failed=$total_fail"
[ "$total_fail" = 0 ] || exit 1
