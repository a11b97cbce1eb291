#!/usr/bin/env bash
# Runs the curl journey of README.md, exactly as written there, against a fresh demo server
# started from the real binary: the README stays true or this test fails.
set -euo pipefail
binary=$1
readme=$2
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$binary" serve --db "$dir/joldama.db" --port 0 --demo >"$dir/out" 2>"$dir/err" &
pid=$!
line=
for _ in $(seq 300); do
  line=$(head -n 1 "$dir/out" 2>/dev/null || true)
  [[ $line == listening* ]] && break
  sleep 0.1
done
[[ $line == listening* ]] || { echo "the server did not start"; cat "$dir/err"; exit 1; }
export BASE=${line#listening on }

journey=$(sed -n '/<!-- journey:start -->/,/<!-- journey:end -->/p' "$readme" | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
[ -n "$journey" ] || { echo "README.md has no journey block"; exit 1; }
output=$(bash -euo pipefail -c "$journey")
echo "$output"
last=$(printf '%s\n' "$output" | tail -n 1)
state=$(printf '%s' "$last" | jq -r .state)
[ "$state" = completed ] || { echo "the journey ended in state '$state'"; exit 1; }
# Run twice on the same database: the journey must also work for a newcomer who tries it again.
output=$(bash -euo pipefail -c "$journey")
state=$(printf '%s\n' "$output" | tail -n 1 | jq -r .state)
[ "$state" = completed ] || { echo "the second run ended in state '$state'"; exit 1; }
echo "README journey: ok"
