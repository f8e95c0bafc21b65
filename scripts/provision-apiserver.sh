#!/usr/bin/env bash
# Provision a real kube-apiserver + etcd for storyctl's cluster tests, from Debian's own packages.
#
# There is no Docker and no release-binary download on these machines, so: etcd comes from the
# `etcd-server` package, and kube-apiserver is built from Debian bookworm's `kubernetes` *source*
# package (1.20.2, full tree with vendor/). Its vendored modern-go/reflect2 and json-iterator/go
# crash under Go >= 1.18, so they are swapped for Debian's packaged copies before building.
#
# The result is cached outside the repository (default ~/.cache/storyctl/kube-apiserver-1.20.2/)
# and reused; nothing here runs if binaries are already given by KUBEBUILDER_ASSETS or
# STORYCTL_TEST_APISERVER_DIR. Prints the directory holding `kube-apiserver` and `etcd` last.
set -euo pipefail

version=1.20.2
cache_root=${STORYCTL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storyctl}
dest=$cache_root/kube-apiserver-$version

log() { printf 'provision-apiserver: %s\n' "$*" >&2; }

for given in "${STORYCTL_TEST_APISERVER_DIR:-}" "${KUBEBUILDER_ASSETS:-}"; do
  if [ -n "$given" ] && [ -x "$given/kube-apiserver" ] && [ -x "$given/etcd" ]; then
    log "using binaries from $given"
    echo "$given"
    exit 0
  fi
done

if [ -x "$dest/kube-apiserver" ] && [ -x "$dest/etcd" ]; then
  log "cached in $dest"
  echo "$dest"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "no apt-get here: set KUBEBUILDER_ASSETS or STORYCTL_TEST_APISERVER_DIR to a folder with kube-apiserver and etcd"
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { log "need root (or sudo) for apt-get"; exit 1; }
  sudo=sudo
fi

# Source entries for bookworm; deb822 format like the machine's own sources.
src_list=/etc/apt/sources.list.d/storyctl-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src ' /etc/apt/sources.list; then
  log "adding deb-src entry $src_list"
  $sudo tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

log "apt-get update"
# A third-party list that cannot be reached must not stop us; Debian's own lists are what count.
$sudo apt-get update -qq || log "apt-get update reported errors (continuing with the lists it got)"
log "installing build and runtime packages"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  etcd-server golang-go dpkg-dev make rsync ca-certificates \
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/storyctl-k8s-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "fetching the kubernetes source package into $work"
(cd "$work" && apt-get source -qq "kubernetes=$version*" >/dev/null 2>&1 || apt-get source -qq kubernetes >/dev/null)
tree=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -n 1)
[ -n "$tree" ] || { log "apt-get source kubernetes produced no tree"; exit 1; }

log "replacing vendored reflect2 and json-iterator with Debian's copies"
for pkg in github.com/modern-go/reflect2 github.com/json-iterator/go; do
  [ -d "/usr/share/gocode/src/$pkg" ] || { log "missing /usr/share/gocode/src/$pkg"; exit 1; }
  rm -rf "${tree:?}/vendor/$pkg"
  mkdir -p "$tree/vendor/$pkg"
  cp -a "/usr/share/gocode/src/$pkg/." "$tree/vendor/$pkg/"
done

log "building kube-apiserver (a few minutes)"
(cd "$tree" && CGO_ENABLED=0 GOFLAGS=-mod=vendor make WHAT=cmd/kube-apiserver >"$work/build.log" 2>&1) || {
  tail -n 40 "$work/build.log" >&2
  log "build failed"
  exit 1
}
bin=$(find "$tree/_output" -type f -name kube-apiserver -perm -u+x | head -n 1)
[ -n "$bin" ] || { log "build produced no kube-apiserver"; exit 1; }

etcd_bin=$(command -v etcd || true)
[ -n "$etcd_bin" ] || etcd_bin=/usr/bin/etcd
[ -x "$etcd_bin" ] || { log "etcd not found after installing etcd-server"; exit 1; }

mkdir -p "$dest.tmp"
cp "$bin" "$dest.tmp/kube-apiserver"
ln -sf "$etcd_bin" "$dest.tmp/etcd"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
log "ready in $dest"
echo "$dest"
