#!/usr/bin/env bash
# Builds the support console's front-end assets into the API host's static files:
# installs the pinned npm packages (package-lock.json) and copies GOV.UK Frontend's compiled CSS,
# JavaScript, fonts and images into src/RegisterEcts.Api/wwwroot. The copies are build output: never commit them.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
APP=$REPO/src/RegisterEcts.Api/ClientApp
WWWROOT=$REPO/src/RegisterEcts.Api/wwwroot

if ! command -v npm >/dev/null; then
    echo "assets.sh: npm is missing; the support console will render without the GOV.UK styles" >&2
    exit 0
fi

cd "$APP"
# npm ci reinstalls from the lock file exactly; skip it when node_modules already matches the lock.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
fi

dist=$APP/node_modules/govuk-frontend/dist/govuk
rm -rf "$WWWROOT/govuk" "$WWWROOT/assets"
mkdir -p "$WWWROOT/govuk"
cp "$dist/govuk-frontend.min.css" "$dist/govuk-frontend.min.js" "$WWWROOT/govuk/"
# The compiled CSS refers to /assets/fonts and /assets/images from the site root.
cp -R "$dist/assets" "$WWWROOT/assets"
echo "assets.sh: GOV.UK Frontend $(node -p "require('$APP/node_modules/govuk-frontend/package.json').version") copied to $WWWROOT" >&2
