#!/usr/bin/env bash
# Runs the benchmarks (Release build) against the private PostgreSQL (or the server named by
# ConnectionStrings__RegisterEcts). Arguments go to the benchmark program, e.g.
#   build/bench.sh --quick
#   build/bench.sh --max-teachers 100000       # skip GET participants at 1M teachers
#   build/bench.sh --schema-prefix bench_me    # own schemas on a shared server
# The HTTP workloads start the API's Release build as a process of its own; building the benchmarks builds it
# (a project reference) into src/RegisterEcts.Api/bin/Release.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
cd "$REPO"

if [[ -z ${ConnectionStrings__RegisterEcts:-} ]]; then
    ConnectionStrings__RegisterEcts=$(bash "$SCRIPT_DIR/postgres.sh" start)
fi
export ConnectionStrings__RegisterEcts

dotnet build -c Release tests/RegisterEcts.Benchmarks
exec dotnet run -c Release --no-build --project tests/RegisterEcts.Benchmarks -- "$@"
