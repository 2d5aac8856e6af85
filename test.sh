#!/usr/bin/env bash
# Runs every test project and ends with one line "N passed, N failed" (totals over all projects).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test --solution Dashboard.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one summary per test app: "total: N", "failed: N", "succeeded: N", "skipped: N".
read -r passed failed skipped < <(awk '
  /^[[:space:]]*Test run summary:/ { inrun = 1 }
  inrun && /^[[:space:]]*succeeded:/ { p += $2 }
  inrun && /^[[:space:]]*failed:/    { f += $2 }
  inrun && /^[[:space:]]*skipped:/   { s += $2; inrun = 0 }
  END { printf "%d %d %d\n", p, f, s }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # build or runner failure: never report a clean run
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
