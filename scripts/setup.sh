#!/usr/bin/env bash
# Installs what the repo needs, then runs a package.json script with it.
#
#   bash scripts/setup.sh                 # install only
#   bash scripts/setup.sh test            # install if needed, then `pnpm run test`
#   bash scripts/setup.sh <script> [args] # any root package.json script, args passed through
#
# Idempotent and quick when everything is already there: Debian packages are checked with dpkg,
# pnpm is installed once under ~/.local, and `pnpm install` runs only when a manifest or the
# lockfile changed since the last install (stamp in node_modules/). Versions: shared/toolchain.md.
set -euo pipefail

REQUIRED_NODE='20.19'
PNPM_VERSION='10.34.9' # pnpm 11 does not run on Node 20
PNPM_PREFIX="${KQMS_TOOLS_PREFIX:-${HOME:-/tmp}/.local}"

# ─── Debian packages ─────────────────────────────────────────────────────────────────────────────
# Extend this list when a feature needs a system package (e.g. socat, chromium, libusb-1.0-0,
# postgresql); everything here is installed with apt-get when missing.
APT_PACKAGES=(
  python3 make g++  # node-gyp builds better-sqlite3 from source
  chromium          # the web apps' end-to-end tests (playwright-core drives /usr/bin/chromium)
  espeak-ng         # the hall display's spoken calls in kk, ru and en (rendered by the appliance)
  fonts-dejavu-core # Kazakh Cyrillic glyphs for headless Chromium's screenshots
  socat             # PTY pairs: the bridge's serial links talk to device simulators in tests and the demo
  libusb-1.0-0      # node-hid's run-time library (card readers, HID call buttons)
  postgresql        # the cloud's tests run on a throwaway PostgreSQL cluster as well as on PGlite
)
# ─────────────────────────────────────────────────────────────────────────────────────────────────

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# node-gyp builds native modules against the local Node headers (no header download).
export npm_config_nodedir=/usr

log() { printf 'setup: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
is_ci() { [[ "${CI:-}" == 'true' ]]; }

check_node() {
  command -v node >/dev/null || die "node is not installed (need >= $REQUIRED_NODE)"
  local version major minor need_major need_minor
  version="$(node -p 'process.versions.node')"
  IFS=. read -r major minor _ <<<"$version"
  IFS=. read -r need_major need_minor <<<"$REQUIRED_NODE"
  if ((major < need_major || (major == need_major && minor < need_minor))); then
    die "node $version is too old: need >= $REQUIRED_NODE"
  fi
}

is_apt_package_installed() {
  if command -v dpkg-query >/dev/null; then
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == 'install ok installed' ]]
  else
    command -v "$1" >/dev/null # not Debian: the best we can do is look for a command
  fi
}

install_apt_packages() {
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    is_apt_package_installed "$package" || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "missing system packages and no apt-get: ${missing[*]}"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    sudo=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

has_pnpm_version() { [[ -x "$1" && "$("$1" --version 2>/dev/null)" == "$PNPM_VERSION" ]]; }

# Sets PNPM to a command array running pnpm $PNPM_VERSION.
find_pnpm() {
  local on_path
  on_path="$(command -v pnpm || true)"
  if [[ -n "$on_path" ]] && has_pnpm_version "$on_path"; then
    PNPM=("$on_path")
    return
  fi
  local local_pnpm="$PNPM_PREFIX/bin/pnpm"
  if ! has_pnpm_version "$local_pnpm"; then
    log "installing pnpm@$PNPM_VERSION under $PNPM_PREFIX"
    npm install --global --prefix "$PNPM_PREFIX" --no-fund --no-audit --loglevel=error \
      "pnpm@$PNPM_VERSION" >/dev/null || true
  fi
  if has_pnpm_version "$local_pnpm"; then
    PNPM=("$local_pnpm")
  else
    log "could not install pnpm under $PNPM_PREFIX; using npx"
    PNPM=(npx --yes "pnpm@$PNPM_VERSION")
  fi
}

INSTALL_STAMP='node_modules/.kqms-install-stamp'

needs_pnpm_install() {
  [[ -f node_modules/.modules.yaml && -f "$INSTALL_STAMP" ]] || return 0
  local file
  shopt -s nullglob
  for file in pnpm-lock.yaml pnpm-workspace.yaml package.json */package.json; do
    [[ "$file" -nt "$INSTALL_STAMP" ]] && return 0
  done
  return 1
}

pnpm_install() {
  needs_pnpm_install || return 0
  # CI must build exactly the lockfile; locally, a changed package.json may update it.
  local lockfile_flag='--prefer-frozen-lockfile'
  is_ci && lockfile_flag='--frozen-lockfile'
  log "pnpm install $lockfile_flag"
  # Without a TTY pnpm aborts instead of asking to rebuild an incompatible node_modules.
  "${PNPM[@]}" install "$lockfile_flag" --config.confirmModulesPurge=false
  touch "$INSTALL_STAMP"
}

check_node
install_apt_packages
find_pnpm
pnpm_install

if (($# > 0)); then
  script="$1"
  shift
  exec "${PNPM[@]}" run "$script" "$@"
fi
