#!/usr/bin/env bash
# The scripts that take numbers refuse a bad one at once: exit status 2 and a message naming
# the value, before they install, build or start anything.
set -uo pipefail
scripts=$1
failures=0

# refuses EXPECTED_TEXT SCRIPT ARGS...: the script exits 2 and says EXPECTED_TEXT.
refuses() {
  local expected=$1
  shift
  local output status
  output=$(timeout 20 "$@" 2>&1)
  status=$?
  if [ "$status" -ne 2 ] || [[ $output != *"$expected"* ]]; then
    echo "FAIL: $* exited $status, said: $output (expected 2 and '$expected')"
    failures=$((failures + 1))
  fi
}

refuses "not 'abc'" "$scripts/fuzz" --seconds abc
refuses "not '0'" "$scripts/fuzz" --seconds 0
refuses "not '-5'" "$scripts/fuzz" --seconds -5
refuses "not '9'" "$scripts/sqlmap-scan" --level 9
refuses "not '0'" "$scripts/sqlmap-scan" --level 0
refuses "not 'x'" "$scripts/sqlmap-scan" --risk x
refuses "not '4'" "$scripts/sqlmap-scan" --risk 4
refuses "throwaway PostgreSQL cluster" "$scripts/postgres-cluster" frobnicate /tmp/nowhere
refuses "throwaway PostgreSQL cluster" "$scripts/postgres-cluster" start
refuses "throwaway PostgreSQL cluster" "$scripts/postgres-cluster" standby /tmp/nowhere
refuses "--servers: two is not a positive whole number" "$scripts/pg-failover-drill" --servers two
refuses "--seconds: 0 is not a positive whole number" "$scripts/pg-failover-drill" --seconds 0
refuses "--servers: 9 is more than 8" "$scripts/pg-failover-drill" --servers 9
refuses "unknown argument --now" "$scripts/pg-failover-drill" --now x
refuses "abc is not a positive whole number" "$scripts/bench" --referrals abc
refuses "0 is not a positive whole number" "$scripts/bench" --seconds 0
refuses "1e3 is not a positive whole number" "$scripts/bench" --connections 1e3
refuses "unknown argument --fast" "$scripts/bench" --fast

[ "$failures" -eq 0 ] || exit 1
echo "every bad number refused"
