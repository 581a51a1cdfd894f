#!/usr/bin/env bash
# Installs what the HTTP benchmarks need beside the emulator (never needed by the test suite):
#   - wrk, the load generator (Debian package);
#   - WireMock standalone 3.13.2: the npm package `wiremock` carries the standalone jar, which
#     Java (17 or later) runs, so Maven Central is not needed;
#   - Prism 5.16.0 (@stoplight/prism-cli), which mocks the operations of our OpenAPI document.
# The npm packages go to bench/peers/ (a folder name npm accepts as a package name; that folder
# ignores itself in git). Run it again at any time: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq wrk >/dev/null
fi
command -v java >/dev/null || {
  echo "peers.sh: WireMock needs Java 17 or later (apt-get install openjdk-17-jre-headless)" >&2
  exit 1
}
command -v npm >/dev/null || { echo "peers.sh: npm is needed (apt-get install npm)" >&2; exit 1; }

mkdir -p peers
cd peers
printf '*\n' >.gitignore
[ -f package.json ] || cat >package.json <<'EOF'
{
  "name": "autodialer-mock-bench-peers",
  "private": true,
  "description": "The peers of bench/http_bench.py, installed by bench/peers.sh"
}
EOF
npm install --no-audit --no-fund --loglevel=error --save-exact \
  wiremock@3.13.2 @stoplight/prism-cli@5.16.0

# Fail here, not in the middle of a benchmark run, if either peer cannot start.
jar=$(ls node_modules/wiremock/build/wiremock-standalone-*.jar)
echo "wrk:      $(wrk --version 2>&1 | head -1)"
echo "WireMock: $jar ($(java -jar "$jar" --version 2>/dev/null | tail -1))"
echo "Prism:    $(node_modules/.bin/prism --version)"
