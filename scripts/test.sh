#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit and property tests, then the
# integration suite (real server over HTTP, real browser) on SQLite and on PostgreSQL.
#
# On a fresh Debian/Ubuntu machine it installs what it needs (Chromium and its WebDriver,
# PostgreSQL) with apt-get, and starts PostgreSQL if it is down. PostgreSQL is reached
# through DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); each test creates
# and drops its own database.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_updated=0
need_pkg() { # command package...
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null; then
    echo "missing $cmd: install the packages $* (or set TREMPLIN_SKIP_BROWSER=1 / TREMPLIN_SKIP_POSTGRES=1)" >&2
    return 1
  fi
  say "installing $*"
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "${TREMPLIN_SKIP_BROWSER:-0}" != 1 ]; then
  need_pkg chromium chromium
  need_pkg chromedriver chromium-driver
fi

# ffmpeg makes the light variants of lesson videos; the media library test uses it.
if [ "${TREMPLIN_SKIP_FFMPEG:-0}" != 1 ]; then
  need_pkg ffmpeg ffmpeg
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if [ "${TREMPLIN_SKIP_POSTGRES:-0}" != 1 ]; then
  if ! command -v pg_ctlcluster >/dev/null && ! command -v pg_isready >/dev/null; then
    need_pkg pg_ctlcluster postgresql
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    for v in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

say "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings

say "tests on SQLite (unit, property, integration, browser)"
cargo test --quiet

if [ "${TREMPLIN_SKIP_POSTGRES:-0}" != 1 ]; then
  say "integration tests on PostgreSQL"
  TREMPLIN_TEST_BACKEND=postgres cargo test --quiet --test api
fi
say "all tests passed"
