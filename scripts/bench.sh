#!/usr/bin/env bash
# Measures the budgets of DESIGN.md on this machine and prints the figures recorded in
# BENCHMARKS.md: start-up time on an empty database, resident memory idle and under load,
# first-load page weight, and latency under `wrk -c64`. Needs `wrk` (Debian package) and
# python3 (for ../shared/tools/page-weight). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
bin=target/release/tremplin
port=${PORT:-18181}
base=http://127.0.0.1:$port
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

echo "== start-up on an empty database (migrations included), 5 runs"
for i in 1 2 3 4 5; do
  rm -rf "$dir/empty"
  t0=$(date +%s%N)
  $bin serve --data-dir "$dir/empty" --addr 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf $base/readyz >/dev/null 2>&1; do sleep 0.002; done
  t1=$(date +%s%N)
  echo "run $i: $(( (t1 - t0) / 1000000 )) ms to /readyz = 200"
  kill $pid; wait $pid 2>/dev/null || true
done

echo "== serve --demo"
$bin serve --demo --data-dir "$dir/demo" --addr 127.0.0.1:$port >/dev/null 2>&1 &
pid=$!
until curl -sf $base/readyz >/dev/null 2>&1; do sleep 0.01; done
for p in / /connexion /programmes/connexions-citoyennes; do curl -s -o /dev/null $base$p; done
sleep 2
echo "resident memory idle: $(( $(ps -o rss= -p $pid) / 1024 )) MB"

echo "== page weight (first load, compressed, everything the page loads)"
../shared/tools/page-weight $base || true
curl -s -o /dev/null -c "$dir/cookies" -H 'content-type: application/json' \
  -d '{"email":"seynabou@cfi.demo","password":"tremplin-demo-2016"}' $base/api/v1/session
session="tremplin_session=$(awk '/tremplin_session/ {print $7}' "$dir/cookies")"
echo "== page weight signed in as a participant"
../shared/tools/page-weight $base --cookie "$session" || true

load() { # path [cookie]
  local p=$1
  curl -s -o /dev/null -H "Cookie: ${2:-}" "$base$p"   # warm the caches first
  echo "== wrk -t2 -c64 -d15s --latency $base$p"
  wrk -t2 -c64 -d15s --latency -H 'Accept-Encoding: gzip' -H 'Accept-Language: fr' -H "Cookie: ${2:-}" "$base$p" \
    | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors' &
  wpid=$!
  peak=0
  while kill -0 $wpid 2>/dev/null; do
    r=$(ps -o rss= -p $pid); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.5
  done
  echo "peak resident memory under load: $(( peak / 1024 )) MB"
}
for p in / /connexion /programmes/connexions-citoyennes /api/v1/programmes /compte /rapport/2016 \
         "/recherche?q=numerique" /indicateurs; do
  load "$p" "$session"
done
kill $pid; wait $pid 2>/dev/null || true

echo "== scale: the demo plus 1,000 programmes and 10,000 testimonials"
t0=$(date +%s)
$bin demo --scale 1000 --data-dir "$dir/scale" >/dev/null 2>&1
echo "fixture generated in $(( $(date +%s) - t0 )) s"
$bin serve --data-dir "$dir/scale" --addr 127.0.0.1:$port >/dev/null 2>&1 &
pid=$!
until curl -sf $base/readyz >/dev/null 2>&1; do sleep 0.01; done
for p in / "/programmes?page=3" /programmes/programme-00042 /rapport/2016 "/recherche?q=projet" \
         "/recherche?q=numerique%20jeunesse" "/api/v1/search?q=smartphone%20dakar"; do
  load "$p"
done
