#!/usr/bin/env bash
# Installs what the tests need beyond Go modules. Idempotent: it only installs
# what is missing, so it is cheap on a machine that already has everything.
set -euo pipefail
cd "$(dirname "$0")/.."
go mod download
