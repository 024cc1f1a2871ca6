#!/usr/bin/env bash
# Runs the API locally at http://127.0.0.1:5080 against the private PostgreSQL (or the server
# named by ConnectionStrings__RegisterEcts): builds the CLI and API, migrates the database,
# seeds the reference data, then replaces itself with the API process.
#
# Extra arguments go to the API, e.g.  build/run.sh --Logging:LogLevel:Default=Debug
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
cd "$REPO"

# Debug, like build/test.sh, so the two share build output.
config=Debug

if [[ -z ${ConnectionStrings__RegisterEcts:-} ]]; then
    ConnectionStrings__RegisterEcts=$(bash "$SCRIPT_DIR/postgres.sh" start)
fi
export ConnectionStrings__RegisterEcts

bash "$SCRIPT_DIR/assets.sh"  # the support console's GOV.UK styles into the host's wwwroot

# Build once; every `dotnet run` below uses --no-build so nothing is compiled twice.
dotnet build src/RegisterEcts.Cli -c "$config"
dotnet build src/RegisterEcts.Api -c "$config"

rects() { dotnet run --no-build -c "$config" --project src/RegisterEcts.Cli -- "$@"; }
rects db migrate
rects seed reference
rects statements seed
rects import gias --schools samples/gias/schools.csv --links samples/gias/links.csv

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
echo "run.sh: starting the API on http://127.0.0.1:5080 (Ctrl-C stops it; PostgreSQL keeps running)" >&2
exec dotnet run --no-build -c "$config" --project src/RegisterEcts.Api -- --urls http://127.0.0.1:5080 "$@"
