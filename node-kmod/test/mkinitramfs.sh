#!/bin/sh
# Packs the guest for one kernel: busybox, iproute2's ip, kernel modules the test needs (tls, af_packet,
# veth, crypto), accord_kmod.ko, accord-agent, wl, the test PKI and feeds, and guest-init.sh as /init.
#   mkinitramfs.sh KVER KO_FILE STAGE_DIR OUT.cpio.gz
set -eu
KVER=$1; KO=$2; STAGE=$3; OUT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(mktemp -d)
chmod 755 "$ROOT"
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/bin "$ROOT"/sbin "$ROOT"/usr/bin "$ROOT"/usr/sbin "$ROOT"/usr/local/sbin "$ROOT"/proc "$ROOT"/sys \
  "$ROOT"/dev "$ROOT"/tmp "$ROOT"/run "$ROOT"/var/run "$ROOT"/etc "$ROOT"/t "$ROOT/lib/modules/$KVER"
cp /usr/bin/busybox "$ROOT/bin/busybox"
for a in $("$ROOT/bin/busybox" --list); do
  [ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
done
ln -sf ../bin/busybox "$ROOT/sbin/modprobe"
ln -sf ../bin/busybox "$ROOT/sbin/insmod"
ln -sf ../bin/busybox "$ROOT/sbin/rmmod"
# binaries with their shared libraries
copy_bin() { # src dest
  cp "$1" "$ROOT$2"
  ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done
}
copy_bin /usr/sbin/ip /usr/local/sbin/ip
copy_bin "$STAGE/accord-agent" /t/accord-agent
copy_bin "$STAGE/wl" /t/wl
# kernel modules (6.12 ships .ko.xz; busybox modprobe wants plain .ko)
M=/lib/modules/$KVER
for d in kernel/net/tls kernel/net/packet kernel/crypto kernel/arch/x86/crypto kernel/lib kernel/drivers/net/veth.ko*; do
  for f in $(cd "$M" && find $d -name '*.ko*' 2>/dev/null); do
    mkdir -p "$ROOT/$M/$(dirname "$f")"
    case "$f" in
      *.xz) xz -dc "$M/$f" > "$ROOT/$M/${f%.xz}" ;;
      *) cp "$M/$f" "$ROOT/$M/$f" ;;
    esac
  done
done
cp "$M/modules.builtin" "$M/modules.builtin.modinfo" "$M/modules.order" "$ROOT/$M/" 2>/dev/null || true
depmod -b "$ROOT" "$KVER"
cp "$KO" "$ROOT/t/accord_kmod.ko"
cp -r "$STAGE/pki/svids-a" "$STAGE/pki/svids-b" "$STAGE/pki/svids-c" "$ROOT/t/"
cp "$STAGE/pki/svids-b/server.crt" "$STAGE/pki/svids-b/server.key" "$STAGE/pki/td-a.ca.pem" "$ROOT/t/" # user-space TLS bench
mkdir -p "$ROOT/t/bench-a" && cp "$STAGE/pki/svids-a/client.crt" "$STAGE/pki/svids-a/client.key" "$STAGE/pki/td-b.ca.pem" "$ROOT/t/bench-a/"
cp "$STAGE"/feed-*.json "$ROOT/t/"
cp "$HERE/guest-init.sh" "$ROOT/init"
chmod 755 "$ROOT/init"
chmod 700 "$ROOT"/t/svids-*
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
