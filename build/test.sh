#!/usr/bin/env bash
# Builds and runs every test project against the private PostgreSQL (or the server named by
# ConnectionStrings__RegisterEcts), then prints one summary line:
#
#   Tests: N passed, N failed, N skipped
#
# Extra arguments go to `dotnet test`, e.g.  build/test.sh --filter "FullyQualifiedName~Append"
# Exits non-zero if the build failed, any test failed, or dotnet test failed for another reason.
# PostgreSQL is left running afterwards so that reruns are fast (build/postgres.sh stop stops it).
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
cd "$REPO"

# Debug, like build/run.sh, so the two share build output.
config=Debug

if [[ -z ${ConnectionStrings__RegisterEcts:-} ]]; then
    ConnectionStrings__RegisterEcts=$(bash "$SCRIPT_DIR/postgres.sh" start)
fi
export ConnectionStrings__RegisterEcts

# The support console's GOV.UK assets, and Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
bash "$SCRIPT_DIR/assets.sh"
if [[ ! -x /usr/bin/chromium ]]; then
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2 \
        || echo "test.sh: could not install chromium; the browser tests will fail" >&2
fi

# One TRX file per test project; cleared each run so the summary counts this run only.
results=$REPO/TestResults/trx
rm -rf "$results"

# Default console verbosity already prints one "Passed!/Failed! - Failed: N, Passed: N, ..."
# line per test project; the TRX files give us machine-readable totals across projects.
rc=0
dotnet test RegisterEcts.sln -c "$config" --logger trx --results-directory "$results" "$@" || rc=$?

# Count every <UnitTestResult ... outcome="..."> in the TRX files. (The <Counters> element is
# no use: it does not count skipped tests.) Plain awk, as CI may have no python.
passed=0 failed=0 skipped=0
if compgen -G "$results/*.trx" >/dev/null; then
    read -r passed failed skipped < <(
        awk '
            /<UnitTestResult[ >]/ && match($0, / outcome="[A-Za-z]+"/) {
                outcome = substr($0, RSTART + 10, RLENGTH - 11)
                if (outcome == "Passed") p++
                else if (outcome == "NotExecuted" || outcome == "Inconclusive" || outcome == "NotRunnable") s++
                else f++ # Failed, Error, Timeout, Aborted, ...
            }
            END { printf "%d %d %d\n", p, f, s }
        ' "$results"/*.trx
    )
fi

echo
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    echo "dotnet test exited with code $rc without a failed test: a build error, a crashed test host, or bad arguments (see above)." >&2
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"

if [[ $rc -ne 0 ]]; then exit "$rc"; fi
if [[ $failed -ne 0 ]]; then exit 1; fi
exit 0
