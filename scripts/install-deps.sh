#!/usr/bin/env bash
# Installs what a fresh machine lacks for this workspace's tests and benchmarks (idempotent:
# fast when everything is present). Debian packages only; crates come from crates.io.
#   rustc-web, cargo-web, rust-web-src  the matched Debian toolchain that builds libstd for the target
#   rust-web-llvm, lld-22              rust-lld for linking target binaries
#   curl, xz-utils                     the `curl | tar -xJ` baseline of the install benchmark
set -euo pipefail

packages=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22 curl xz-utils)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
echo "Debian rustc: $(/usr/bin/rustc -V)"
echo "Debian cargo: $(/usr/bin/cargo -V)"
