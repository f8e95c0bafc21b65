#!/usr/bin/env bash
# kubectl for the manifest tests (`kubectl apply --dry-run=server -k deploy/...`), from Debian's own
# `kubernetes-client` package (kubectl 1.20.2, the same release as the test apiserver). It is
# downloaded and unpacked into a cache folder rather than installed: on some machines /usr/bin/kubectl
# belongs to another package, which an install would overwrite. Prints the kubectl path last.
set -euo pipefail

cache_root=${STORYCTL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storyctl}
dest=$cache_root/kubernetes-client
bin=$dest/usr/bin/kubectl
log() { printf 'provision-kubectl: %s\n' "$*" >&2; }

if [ -n "${STORYCTL_KUBECTL:-}" ] && [ -x "$STORYCTL_KUBECTL" ]; then
  echo "$STORYCTL_KUBECTL"
  exit 0
fi
if [ -x "$bin" ]; then
  log "cached in $dest"
  echo "$bin"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/storyctl-kubectl.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "downloading Debian's kubernetes-client package"
(cd "$work" && apt-get download -qq kubernetes-client >/dev/null 2>&1) || {
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq || true
  (cd "$work" && apt-get download -qq kubernetes-client >/dev/null)
}
deb=$(find "$work" -maxdepth 1 -name 'kubernetes-client_*.deb' | head -n 1)
[ -n "$deb" ] || { log "apt-get download kubernetes-client produced no package"; exit 1; }
mkdir -p "$dest.tmp"
dpkg -x "$deb" "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
[ -x "$bin" ] || { log "no kubectl in the package"; exit 1; }
log "ready: $bin"
echo "$bin"
