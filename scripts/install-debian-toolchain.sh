#!/usr/bin/env bash
# Installs (if missing) Debian's matched Rust toolchain that builds libstd for the Xous
# target: rustc-web + cargo-web + rust-web-src, and rust-lld (rust-web-llvm + lld-22).
# Idempotent: runs `apt-get update` only when something is missing, so it is fast when
# everything is there. Prints the toolchain paths at the end.
#
# No C compiler is installed: `compiler-builtins-c` also needs LLVM's compiler-rt
# sources, which neither rust-web-src nor any Debian binary package ships, so libstd is
# built without it (the pure-Rust intrinsics are used). Set EXTRA_PACKAGES (e.g.
# "clang-22") to install more.
set -euo pipefail

packages=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
# shellcheck disable=SC2206
packages+=(${EXTRA_PACKAGES:-})

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]})); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || {
            echo "error: need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    echo "installing: ${missing[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

rustc=/usr/bin/rustc
cargo=/usr/bin/cargo
rust_lld=/usr/bin/rust-lld
for tool in "$rustc" "$cargo" "$rust_lld"; do
    [[ -x "$tool" ]] || {
        echo "error: $tool missing after install" >&2
        exit 1
    }
done

release=$("$rustc" -vV | sed -n 's/^release: //p')
rust_src=$(readlink -f "$("$rustc" --print sysroot)/lib/rustlib/src/rust")
src_version=""
for f in "$rust_src/version" "$rust_src/src/version"; do
    if [[ -f "$f" ]]; then
        src_version=$(head -n1 "$f")
        break
    fi
done
if [[ -n "$src_version" && "$src_version" != "$release" ]]; then
    echo "error: rust-src at $rust_src is $src_version but rustc is $release" >&2
    exit 1
fi

echo "rustc    $rustc ($release, $("$rustc" -vV | sed -n 's/^commit-hash: //p'))"
echo "cargo    $cargo ($("$cargo" -V))"
echo "rust-src $rust_src (library/ + vendored deps: $([[ -d $rust_src/library/vendor ]] && echo yes || echo no))"
echo "rust-lld $rust_lld -> $(readlink -f "$rust_lld")"
