#!/usr/bin/env bash
# Installs the peers the HTTP benchmarks compare against, into bench/.peers (never needed by
# the test suite): WireMock standalone (the npm package carries the jar; Java runs it) and
# Prism (mocks an operation from our OpenAPI document).
set -euo pipefail
cd "$(dirname "$0")"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
mkdir -p .peers && cd .peers
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund --silent wiremock@3 @stoplight/prism-cli@5
