#!/usr/bin/env bash
# Builds the real-run machine: a Debian root file system with systemd, rootless Podman and the
# Debian packages the stand-in images are made of, packed as a zstd tarball. SUITE is trixie
# (Debian 13, podman 5.4.2; the default) or sid (Debian unstable, podman 5.8.x: `.quadlets` bundles).
# lib/testing/machine/rootfs.ts calls this when the cached tarball is missing; its cache key is the
# sha256 of this file plus the suite, so any change here rebuilds.
#
# Usage (root): scripts/e2e-rootfs.sh OUT.tar.zst [SUITE]
# Needs on the host: debootstrap, systemd-container (systemd-nspawn), zstd, network to a Debian mirror.
set -euo pipefail
# In a private mount namespace: the build's tmpfs and whatever debootstrap mounts in the target
# vanish with this process, even when it is killed.
if [ -z "${E2E_ROOTFS_PRIVATE:-}" ]; then exec env E2E_ROOTFS_PRIVATE=1 unshare -m --propagation private bash "$0" "$@"; fi

OUT="${1:?usage: e2e-rootfs.sh OUT.tar.zst [trixie|sid]}"
SUITE="${2:-trixie}"
case "$SUITE" in trixie | sid) ;; *) echo "e2e-rootfs: unknown suite $SUITE (trixie or sid)" >&2; exit 2 ;; esac
USER_NAME=e2e
USER_ID=1000
MIRROR="${E2E_MIRROR:-$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

# The machine: systemd as PID 1, logind for the lingering user, rootless Podman and its network stack.
MACHINE_PKGS=(systemd systemd-sysv libpam-systemd dbus dbus-user-session podman crun netavark aardvark-dns
  passt nftables catatonit uidmap fuse-overlayfs tzdata curl procps iproute2)
# What the stand-in images are made of (copied with their shared libraries, never run as the machine's services).
IMAGE_PKGS=(postgresql postgresql-client valkey-server valkey-tools caddy busybox-static)

WORK="$(mktemp -d /var/tmp/quadlet-cdk-e2e-rootfs.XXXXXX)"
# dpkg syncs every file it unpacks; on a tmpfs that costs nothing (on a busy shared disk it made
# the build take 15+ minutes instead of 3).
mount -t tmpfs -o size=4g,mode=755 quadlet-cdk-e2e-rootfs "$WORK"
trap 'umount -l "$WORK"; rmdir "$WORK"' EXIT
R="$WORK/root"
T0=$(date +%s)
log() { echo "e2e-rootfs: [$(($(date +%s) - T0)) s] $*"; }

log "debootstrap --variant=minbase $SUITE from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WORK/debootstrap.log"; exit 1; }

# No cluster from postgresql's postinst, no services started during the install.
mkdir -p "$R/etc/postgresql-common/createcluster.d"
echo 'create_main_cluster = false' >"$R/etc/postgresql-common/createcluster.d/e2e.conf"
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d" && chmod 755 "$R/usr/sbin/policy-rc.d"
# sid's Release file carries a Valid-Until date a week ahead; the mirror this machine reaches may
# serve one past it ("Release file ... is expired"), which apt then refuses. The packages are still
# checked against the archive keys; only the freshness date is not.
echo 'Acquire::Check-Valid-Until "false";' >"$R/etc/apt/apt.conf.d/99quadlet-cdk-e2e"

log "apt-get install ${#MACHINE_PKGS[@]} machine + ${#IMAGE_PKGS[@]} image packages (no recommends)"
# nspawn without -b: a private /proc, /dev and /sys for the maintainer scripts, nothing left mounted on the host.
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 SYSTEMD_SECCOMP=0 systemd-nspawn -q -D "$R" --register=no --keep-unit \
  --resolv-conf=replace-host -E DEBIAN_FRONTEND=noninteractive \
  sh -c "apt-get -q update && apt-get -q install -y --no-install-recommends ${MACHINE_PKGS[*]} ${IMAGE_PKGS[*]} && apt-get clean" \
  >"$WORK/apt.log" 2>&1 || { tail -n 40 "$WORK/apt.log"; exit 1; }
rm -f "$R/usr/sbin/policy-rc.d"

log "configure the machine"
ln -sf /dev/null "$R/etc/systemd/system/systemd-modules-load.service" # no modules here: it would fail
for s in postgresql valkey-server caddy apt-daily apt-daily-upgrade dpkg-db-backup e2scrub_all fstrim; do
  ln -sf /dev/null "$R/etc/systemd/system/$s.service"
  [ ! -e "$R/usr/lib/systemd/system/$s.timer" ] || ln -sf /dev/null "$R/etc/systemd/system/$s.timer"
done
# quadlet's user units wait for network-online.target, which nothing pulls in on a minimal system.
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf /usr/lib/systemd/system/network-online.target "$R/etc/systemd/system/multi-user.target.wants/network-online.target"
# The machine's own /dev/net/tun for pasta (a bind of the host's node would be root-only).
echo 'c! /dev/net/tun 0666 root root - 10:200' >"$R/etc/tmpfiles.d/quadlet-cdk-e2e-tun.conf"
# No registry is reachable: a pull must fail at once, not after a DNS timeout.
rm -f "$R/etc/resolv.conf" && echo 'nameserver 127.0.0.1' >"$R/etc/resolv.conf"
echo e2e >"$R/etc/hostname"
printf '127.0.0.1 localhost e2e\n::1 localhost\n' >"$R/etc/hosts"
ln -sf /usr/share/zoneinfo/Etc/UTC "$R/etc/localtime"
# The cgroup2 tree inside has no controllers: a pids limit cannot be set.
mkdir -p "$R/etc/containers/containers.conf.d"
printf '[containers]\npids_limit = 0\n' >"$R/etc/containers/containers.conf.d/quadlet-cdk-e2e.conf"

log "lingering user $USER_NAME ($USER_ID)"
chroot "$R" useradd -m -u "$USER_ID" -U -s /bin/bash "$USER_NAME"
echo "$USER_NAME:100000:65536" >"$R/etc/subuid"
echo "$USER_NAME:100000:65536" >"$R/etc/subgid"
mkdir -p "$R/var/lib/systemd/linger" && : >"$R/var/lib/systemd/linger/$USER_NAME"

log "stand-in image tree (Debian's own binaries with their libraries)"
S="$WORK/standin"
mkdir -p "$S"/usr/{bin,sbin,lib,lib64,local/bin} "$S"/{etc,tmp,root,var/lib,var/run,run,home,data,dev,proc,sys}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$S/$d"; done
chmod 1777 "$S/tmp"
# Copies paths from the machine's tree into the image, keeping their place; a symlink comes with
# its target (valkey-server -> valkey-check-rdb).
put() {
  for p in "$@"; do
    (cd "$R" && cp -a --parents ".${p#.}" "$S/")
    if [ -L "$R$p" ]; then
      t="$(chroot "$R" readlink -f "$p")"
      [ -e "$S$t" ] || (cd "$R" && cp -a --parents ".$t" "$S/")
    fi
  done
}
# Copies every shared library a set of ELF files needs (resolved inside the machine's tree).
put_libs() {
  chroot "$R" sh -c 'for f in "$@"; do ldd "$f" 2>/dev/null; done' sh "$@" |
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u | while read -r lib; do
      put "$lib"
      real="$(chroot "$R" readlink -f "$lib")" && put "$real"
    done
}
PG="$(ls -d "$R"/usr/lib/postgresql/* | head -n1)" && PG="${PG#"$R"}"
put "$PG" "/usr/share/postgresql" /usr/share/zoneinfo /usr/bin/busybox /usr/bin/valkey-server /usr/bin/valkey-cli \
  /usr/bin/caddy /usr/bin/setpriv
ELFS=(/usr/bin/busybox /usr/bin/valkey-server /usr/bin/valkey-cli /usr/bin/caddy /usr/bin/setpriv)
# Without the JIT (LLVM alone is 130 MB): postgres runs the same, jit = off is its fallback.
rm -rf "$S$PG/lib/llvmjit"* "$S$PG/lib/bitcode"
for b in "$R$PG"/bin/*; do ELFS+=("${b#"$R"}"); done
while IFS= read -r so; do ELFS+=("${so#"$S"}"); done < <(find "$S$PG/lib" -name '*.so')
put_libs "${ELFS[@]}"
# busybox applets, except busybox itself and anything the image already has.
for a in $(chroot "$R" /usr/bin/busybox --list); do
  [ "$a" = busybox ] || [ -e "$S/usr/bin/$a" ] || ln -s busybox "$S/usr/bin/$a"
done
for b in "$R$PG"/bin/*; do ln -sf "${b#"$R"}" "$S/usr/local/bin/$(basename "$b")"; done
ln -s valkey-server "$S/usr/bin/redis-server" && ln -s valkey-cli "$S/usr/bin/redis-cli"
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:postgres:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$S/etc/passwd"
printf 'root:x:0:\npostgres:x:999:\nnogroup:x:65534:\n' >"$S/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$S/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$S/etc/hosts"
# Each stand-in must run from its own tree: a missing library or link fails the build here, not a site later.
for c in "psql --version" "pg_dump --version" "postgres --version" "valkey-server --version" "valkey-cli --version" \
  "caddy version" "sh -c true"; do
  chroot "$S" /usr/bin/env PATH=/usr/local/bin:/usr/bin $c >/dev/null || { echo "e2e-rootfs: stand-in tree cannot run: $c" >&2; exit 1; }
done
mkdir -p "$R/var/lib/quadlet-cdk-e2e"
tar -C "$S" --numeric-owner -cf "$R/var/lib/quadlet-cdk-e2e/standin.tar" .
log "stand-in tree: $(du -sh "$S" | cut -f1)"

log "pack $OUT"
mkdir -p "$(dirname "$OUT")"
tar -C "$R" --numeric-owner --xattrs --xattrs-include='*' -cf - . | zstd -q -T0 -3 -o "$OUT.partial"
mv "$OUT.partial" "$OUT"
log "done: $(du -h "$OUT" | cut -f1)"
