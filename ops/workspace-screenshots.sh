#!/usr/bin/env bash
# Screenshots of the province workspace's main journeys, at desktop (1280 px) and tablet
# (820 px) width, for a reviewer: the browser tests run in Debian's Chromium and save each step.
#   ops/workspace-screenshots.sh [DIR]      (default: ./workspace-screenshots)
# Needs chromium and chromium-driver (apt-get install chromium chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-workspace-screenshots}")"
rm -rf "$out"
mkdir -p "$out"
OCOP_SCREENSHOTS="$out" swift test --filter BrowserJourneyTests
ls -1 "$out"
echo "screenshots in $out"
