#!/usr/bin/env bash
# Runs the benchmarks (Release build) against the private PostgreSQL (or the server named by
# ConnectionStrings__RegisterEcts). Arguments go to the benchmark program, e.g.
#   build/bench.sh --quick
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
cd "$REPO"

if [[ -z ${ConnectionStrings__RegisterEcts:-} ]]; then
    ConnectionStrings__RegisterEcts=$(bash "$SCRIPT_DIR/postgres.sh" start)
fi
export ConnectionStrings__RegisterEcts

exec dotnet run -c Release --project tests/RegisterEcts.Benchmarks -- "$@"
