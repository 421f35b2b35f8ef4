#!/usr/bin/env bash
# The open course at scale (issue 6): builds the fixture of examples/mooc_scale.rs (the demo,
# then LEARNERS learners enrolled in the open course and ATTEMPTS quiz attempts), serves it
# with the release binary and loads what learners, the visitor and the manager hit with
# `wrk -t2 -c64 -d15s --latency` (the budget of DESIGN.md: p99 ≤ 50 ms at 64 connections on
# 2 cores). Learners' requests rotate over every learner's session (scripts/mooc_bench.lua);
# the writes (quiz attempts through the page's form and the API) run last, 5 s each.
#
#   ./scripts/bench_mooc.sh [LEARNERS] [ATTEMPTS]           # SQLite in a temporary directory
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./scripts/bench_mooc.sh
#       # PostgreSQL: a fresh database on that server for the run, dropped at the end
#
# Prints a Markdown row per run: page | requests/s | p50 | p90 | p99 | non-2xx/3xx | gzip KB.
# Needs wrk (apt-get install wrk); psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
learners=${1:-10000}
attempts=${2:-50000}
duration=${DURATION:-15s}
cargo build --release --quiet --bin tremplin --example mooc_scale
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/tremplin
port=${PORT:-18191}
base=http://127.0.0.1:$port
dir=$(mktemp -d)
pid=
pg_admin=
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_admin=$DATABASE_URL
  pg_name=tremplin_mooc_$$
  psql -q "$pg_admin" -c "CREATE DATABASE $pg_name"
  export DATABASE_URL="${pg_admin%/*}/$pg_name"
fi
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  [ -n "$pg_admin" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" || true
}
trap cleanup EXIT

echo "== fixture: $learners learners, $attempts quiz attempts (${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite})"
t0=$(date +%s%N)
"$target/release/examples/mooc_scale" "$dir" "$learners" "$attempts"
echo "fixture (demo included) built in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
# shellcheck disable=SC1091
source "$dir/bench/env.sh"

$bin serve --data-dir "$dir" --addr 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
pid=$!
until curl -sf $base/readyz >/dev/null 2>&1; do sleep 0.01; done
sleep 1
echo "resident memory idle: $(( $(ps -o rss= -p $pid) / 1024 )) MB"
peak=0

echo
echo "| who | page | requests/s | p50 | p90 | p99 | non-2xx/3xx | gzip KB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
# run WHO PATH [wrk arguments…]: one line of the table.
run() {
  local who=$1 path=$2
  shift 2
  local cookie=() size=""
  case $who in
    manager) cookie=(-H "Cookie: tremplin_session=$MANAGER") ;;
    visitor) cookie=(-H "Cookie: tremplin_session=$VISITOR") ;;
    learner|learners) cookie=(-H "Cookie: tremplin_session=$LEARNER") ;;
  esac
  if [[ $who != *write* ]]; then
    # Warm the caches, and weigh the answer (gzip) as one learner, the manager or a visitor.
    size=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "${cookie[@]}" "$base$path")
    size=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1024 }')
  fi
  local url=$base$path
  if [[ $who == learners || $who == *write* ]]; then cookie=(); fi
  if [[ $who == *write* ]]; then url=$base/; fi   # the script sets method, path and body
  wrk -t2 -c64 -d"$duration" --latency -H 'Accept-Encoding: gzip' -H 'Accept-Language: fr' "${cookie[@]}" \
    "${@:1:2}" "$url" "${@:3}" >"$dir/wrk.out" &
  local w=$!
  while kill -0 $w 2>/dev/null; do
    r=$(ps -o rss= -p $pid); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.5
  done
  wait $w
  awk -v who="$who" -v path="$path" -v size="$size" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { sock = $0 }
    END { printf "| %s | `%s` | %s | %s | %s | %s | %s%s | %s |\n", who, path, rps, p50, p90, p99, bad + 0, (sock ? " (" sock ")" : ""), size }' \
    "$dir/wrk.out"
}
lua=(-s scripts/mooc_bench.lua)

# A learner (every request another of the LEARNERS, with her own attempts and standing).
run learners "/cours/$SLUG" "${lua[@]}" -- get "$dir" 2
run learners "/cours/$SLUG/lecons/$LESSON" "${lua[@]}" -- get "$dir" 2
run learners "/cours/$SLUG/quiz/$QUIZ" "${lua[@]}" -- get "$dir" 2
run learners "/cours" "${lua[@]}" -- get "$dir" 2
run learners "/api/v1/courses/$SLUG" "${lua[@]}" -- get "$dir" 2
run learners "/api/v1/courses/$SLUG/lessons/$LESSON" "${lua[@]}" -- get "$dir" 2
run learners "/api/v1/courses/$SLUG/quizzes/$QUIZ" "${lua[@]}" -- get "$dir" 2
run learners "/api/v1/courses/$SLUG/certificate" "${lua[@]}" -- get "$dir" 2
run learners "/api/v1/courses/$SLUG/team" "${lua[@]}" -- get "$dir" 2
# Someone signed in who has not enrolled: the catalogue of open courses, the course's door.
run visitor "/cours"
run visitor "/cours/$SLUG"
# Anyone: the programme's public page, a certificate's verification.
run public "/programmes/$PROGRAMME"
run public "/certificats/$CODE"
run public "/api/v1/certificates/$CODE"
# The programme's manager.
run manager "/gestion/cours/$SLUG"
run manager "/gestion/cours/$SLUG/equipes"
run manager "/gestion/cours/$SLUG/certificats"
run manager "/gestion/cours/$SLUG/quiz/$QUIZ"
run manager "/api/v1/courses/$SLUG"
run manager "/api/v1/courses/$SLUG/teams"
run manager "/api/v1/courses/$SLUG/certificates"
# Writes, last: learners sending an attempt (each request a new attempt the server accepts).
# Each of the two runs has about 20,000 attempts left to send (the quizzes allow 3 each): at
# 2,300 writes/s, 5 s stay inside, and a longer run would end on refusals (409) that wrk
# counts as non-2xx and that are cheaper than real writes.
duration=${WRITE_DURATION:-5s}
run "learners (write)" "POST /cours/$SLUG/quiz/{id}" "${lua[@]}" -- page "$dir" 2 "$SLUG"
run "learners (write)" "PUT /api/v1/courses/$SLUG/quizzes/{id}/attempts/{n}" "${lua[@]}" -- api "$dir" 2 "$SLUG"
echo
echo "peak resident memory under load: $(( peak / 1024 )) MB"
echo "5xx in the server's log: $(grep -c 'responded 500' "$dir/serve.log" || true)"
