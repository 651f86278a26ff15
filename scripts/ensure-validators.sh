#!/usr/bin/env bash
# Installs (or locates) the external validators used by the test suite and
# records their absolute paths in .tools/validators.env:
#   QUADLET_BIN          podman's quadlet generator, >= 5.4 (Debian 13 podman 5.4.2)
#   QUADLET_BINS         every generator found, space-separated: the one above plus
#                        Debian unstable's (podman >= 5.8), so that tests check a unit
#                        with the generator of the podman release its site targets
#   CADDY_BIN            caddy (Debian 12 caddy 2.6.x)
#   SYSTEMD_ANALYZE_BIN  systemd-analyze (system package)
# Everything downloaded lives in the gitignored .tools/ folder; no root needed
# except for installing a missing systemd-analyze. Idempotent: a second run
# only re-checks versions and rewrites validators.env.
#
# Usage: scripts/ensure-validators.sh [--require]
#   --require  exit 1 if any validator is still missing (npm test, CI)
set -euo pipefail

REQUIRE=0
for arg in "$@"; do
  case "$arg" in
    --require) REQUIRE=1 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
DEBS="$TOOLS/debs"
START_NS=$(date +%s%N)
ME="$(id -un)"

log() { echo "ensure-validators: $*"; }

# First x.y.z in a command's output, e.g. "quadlet version 5.4.2" -> 5.4.2.
extract_version() { grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1; }

# version_ge A B: true when A >= B (dotted versions).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

quadlet_version() { [ -x "$1" ] && "$1" -version 2>/dev/null | extract_version; }

# Private apt state for one Debian suite under .tools/apt/<suite>, so we can
# read trixie's index (or bookworm's, when not root) without touching the
# machine's apt. Prints the path of the APT_CONFIG file to use.
#
# APT_CONFIG (not only -o flags) because apt reads /etc/apt/apt.conf.d before
# parsing -o, so only a config file can redirect Dir::Etc::Parts and keep the
# system's update hooks (appstream/packagekit refreshes) out of our run.
private_apt() {
  local suite="$1" dir="$TOOLS/apt/$1"
  mkdir -p "$dir"/{lists/partial,cache/archives/partial,sources.list.d,apt.conf.d,preferences.d}
  [ -e "$dir/status" ] || : >"$dir/status"
  # First stanza of the machine's deb822 sources (keeps its mirror and
  # Signed-By keyring), with the suite swapped.
  awk 'BEGIN { RS = ""; ORS = "\n" } NR == 1 { print; exit }' /etc/apt/sources.list.d/debian.sources |
    sed -E "s/^Suites:.*/Suites: $suite/" >"$dir/sources.list.d/debian.sources"
  # Carry over a proxy if the machine's apt uses one (we drop its conf.d).
  local http_proxy_conf='' https_proxy_conf=''
  eval "$(apt-config shell http_proxy_conf Acquire::http::Proxy https_proxy_conf Acquire::https::Proxy)"
  {
    echo "Dir::State \"$dir\";"
    echo 'Dir::State::lists "lists/";'
    echo "Dir::State::status \"$dir/status\";"
    echo "Dir::Cache \"$dir/cache\";"
    echo 'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";'
    echo "Dir::Etc::SourceList \"$dir/sources.list\";" # absent on purpose
    echo "Dir::Etc::SourceParts \"$dir/sources.list.d\";"
    echo "Dir::Etc::Parts \"$dir/apt.conf.d\";"
    echo 'Dir::Etc::main "/dev/null";'
    echo "Dir::Etc::Preferences \"$dir/preferences\";"
    echo "Dir::Etc::PreferencesParts \"$dir/preferences.d\";"
    echo 'Debug::NoLocking "true";'
    # As root apt would drop to _apt, which may not be able to write here.
    echo "APT::Sandbox::User \"$ME\";"
    echo 'Acquire::Languages "none"; Acquire::GzipIndexes "true";'
    # Snapshot mirrors serve expired Release files.
    echo 'Acquire::Check-Valid-Until "false";'
    [ -z "$http_proxy_conf" ] || echo "Acquire::http::Proxy \"$http_proxy_conf\";"
    [ -z "$https_proxy_conf" ] || echo "Acquire::https::Proxy \"$https_proxy_conf\";"
  } >"$dir/apt.conf"
  echo "$dir/apt.conf"
}

# Download one package's .deb into .tools/debs (or the folder given third) with
# a private apt state (reuses a cached .deb). Prints the .deb path.
download_private() {
  local pkg="$1" suite="$2" dest="${3:-$DEBS}" conf deb
  mkdir -p "$dest"
  deb="$(ls -t "$dest/${pkg}"_*.deb 2>/dev/null | head -n1 || true)"
  if [ -n "$deb" ]; then echo "$deb"; return; fi
  conf="$(private_apt "$suite")"
  log "apt-get update ($suite, private state in .tools/apt/$suite)" >&2
  # Called from `if`, so set -e is off here: chain explicitly.
  APT_CONFIG="$conf" apt-get -q update >&2 || return 1
  log "apt-get download $pkg ($suite)" >&2
  (cd "$dest" && APT_CONFIG="$conf" apt-get -q download "$pkg" >&2) || return 1
  ls -t "$dest/${pkg}"_*.deb | head -n1
}

mkdir -p "$DEBS"

# --- quadlet -----------------------------------------------------------------
QUADLET_BIN=''
SYS_QUADLET=/usr/libexec/podman/quadlet
LOCAL_QUADLET="$TOOLS/podman/usr/libexec/podman/quadlet"
v="$(quadlet_version "$SYS_QUADLET" || true)"
if [ -n "$v" ] && version_ge "$v" 5.4; then
  QUADLET_BIN="$SYS_QUADLET"
  log "quadlet: using system $SYS_QUADLET ($v)"
else
  v="$(quadlet_version "$LOCAL_QUADLET" || true)"
  if [ -n "$v" ]; then
    log "quadlet: already installed ($v)"
  elif deb="$(download_private podman trixie)"; then
    # Only the generator is needed (static-ish Go binary, libc only); the
    # rest of the podman package would need libgpgme & co anyway.
    rm -rf "$TOOLS/podman" && mkdir -p "$TOOLS/podman"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TOOLS/podman" ./usr/libexec/podman/quadlet
    v="$(quadlet_version "$LOCAL_QUADLET" || true)"
    log "quadlet: extracted $(basename "$deb") -> .tools/podman ($v)"
  else
    log "quadlet: download failed (are Debian's apt repositories reachable?)"
  fi
  if [ -n "$v" ] && version_ge "$v" 5.4; then
    QUADLET_BIN="$LOCAL_QUADLET"
    case "$v" in 5.4.*) ;; *) log "quadlet: WARNING version $v; reference rules were checked on 5.4.2" ;; esac
  elif [ -n "$v" ]; then
    log "quadlet: version $v < 5.4, not used"
  fi
fi

# --- quadlet, newest (Debian unstable) ----------------------------------------
# A second generator beside the first, for sites that target podman >= 5.8
# (templated volumes, .quadlets bundles, ...). Unstable moves: any >= 5.8 does.
QUADLET_NEXT_BIN=''
NEXT_DIR="$TOOLS/podman-sid"
NEXT_QUADLET="$NEXT_DIR/usr/libexec/podman/quadlet"
v="$(quadlet_version "$NEXT_QUADLET" || true)"
if [ -n "$v" ]; then
  log "quadlet (sid): already installed ($v)"
elif deb="$(download_private podman sid "$DEBS/sid")"; then
  rm -rf "$NEXT_DIR" && mkdir -p "$NEXT_DIR"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$NEXT_DIR" ./usr/libexec/podman/quadlet
  v="$(quadlet_version "$NEXT_QUADLET" || true)"
  log "quadlet (sid): extracted $(basename "$deb") -> .tools/podman-sid ($v)"
else
  log "quadlet (sid): download failed (are Debian's apt repositories reachable?)"
fi
if [ -n "$v" ] && version_ge "$v" 5.8; then
  QUADLET_NEXT_BIN="$NEXT_QUADLET"
elif [ -n "$v" ]; then
  log "quadlet (sid): version $v < 5.8, not used"
fi

# --- caddy -------------------------------------------------------------------
CADDY_BIN=''
LOCAL_CADDY="$TOOLS/caddy/usr/bin/caddy"
if command -v caddy >/dev/null 2>&1; then
  CADDY_BIN="$(command -v caddy)"
  log "caddy: using $CADDY_BIN ($("$CADDY_BIN" version 2>/dev/null | head -n1))"
elif [ -x "$LOCAL_CADDY" ] && "$LOCAL_CADDY" version >/dev/null 2>&1; then
  CADDY_BIN="$LOCAL_CADDY"
  log "caddy: already installed ($("$CADDY_BIN" version | head -n1))"
else
  deb="$(ls -t "$DEBS"/caddy_*.deb 2>/dev/null | head -n1 || true)"
  if [ -z "$deb" ] && [ "$(id -u)" = 0 ]; then
    # Machine's own apt state (bookworm); refresh it once if the lists are
    # empty or stale.
    dl() { (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download caddy); }
    log "apt-get download caddy (system apt state)"
    if ! dl; then
      log "apt-get update (system)"
      apt-get -q update && dl || true
    fi
    deb="$(ls -t "$DEBS"/caddy_*.deb 2>/dev/null | head -n1 || true)"
  fi
  if [ -z "$deb" ]; then
    deb="$(download_private caddy bookworm || true)"
  fi
  if [ -n "$deb" ]; then
    rm -rf "$TOOLS/caddy" && mkdir -p "$TOOLS/caddy"
    dpkg-deb -x "$deb" "$TOOLS/caddy"
    if "$LOCAL_CADDY" version >/dev/null 2>&1; then
      CADDY_BIN="$LOCAL_CADDY"
      log "caddy: extracted $(basename "$deb") -> .tools/caddy ($("$CADDY_BIN" version | head -n1))"
    fi
  fi
  [ -n "$CADDY_BIN" ] || log "caddy: not available (the download needs root and Debian's apt repositories)"
fi

# --- systemd-analyze ---------------------------------------------------------
SYSTEMD_ANALYZE_BIN="$(command -v systemd-analyze || true)"
if [ -z "$SYSTEMD_ANALYZE_BIN" ] && [ "$(id -u)" = 0 ]; then
  log "systemd-analyze: missing, apt-get install -y systemd"
  apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q install -y systemd || true
  SYSTEMD_ANALYZE_BIN="$(command -v systemd-analyze || true)"
fi
if [ -n "$SYSTEMD_ANALYZE_BIN" ]; then
  log "systemd-analyze: using $SYSTEMD_ANALYZE_BIN ($("$SYSTEMD_ANALYZE_BIN" --version | head -n1))"
else
  log "systemd-analyze: missing (install the systemd package as root)"
fi

# --- record ------------------------------------------------------------------
{
  echo "# written by scripts/ensure-validators.sh; absolute paths of the test validators"
  [ -z "$QUADLET_BIN" ] || echo "QUADLET_BIN=$QUADLET_BIN"
  bins="$(echo $QUADLET_BIN $QUADLET_NEXT_BIN)"
  [ -z "$bins" ] || echo "QUADLET_BINS=$bins"
  [ -z "$CADDY_BIN" ] || echo "CADDY_BIN=$CADDY_BIN"
  [ -z "$SYSTEMD_ANALYZE_BIN" ] || echo "SYSTEMD_ANALYZE_BIN=$SYSTEMD_ANALYZE_BIN"
} >"$TOOLS/validators.env.tmp"
mv "$TOOLS/validators.env.tmp" "$TOOLS/validators.env"
log "wrote .tools/validators.env ($(( ($(date +%s%N) - START_NS) / 1000000 )) ms)"

missing=()
[ -n "$QUADLET_BIN" ] || missing+=(quadlet)
[ -n "$QUADLET_NEXT_BIN" ] || missing+=("quadlet>=5.8 (podman from Debian unstable)")
[ -n "$CADDY_BIN" ] || missing+=(caddy)
[ -n "$SYSTEMD_ANALYZE_BIN" ] || missing+=(systemd-analyze)
if [ ${#missing[@]} -gt 0 ]; then
  log "missing: ${missing[*]}"
  if [ "$REQUIRE" = 1 ]; then
    log "the tests check every generated file with these tools, and do not run without them."
    log "fetching needs Debian's apt repositories: if this machine is offline, connect it and run npm test again;"
    log "or install them yourself (podman >= 5.4 for quadlet, caddy, systemd for systemd-analyze) and run npm test again."
    exit 1
  fi
fi
exit 0
