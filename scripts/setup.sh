#!/usr/bin/env bash
# Installs what rota needs to build and test on a fresh Debian machine (run as root), and
# nothing that is already there: cmake, a C++ compiler and libclang for HiGHS (bindgen),
# libpq for diesel's PostgreSQL backend, and the Python test tools.
set -euo pipefail

need_apt=()
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v c++ >/dev/null 2>&1 || need_apt+=(g++)
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1 || need_apt+=(libclang-dev)
[ -f /usr/include/postgresql/libpq-fe.h ] || need_apt+=(libpq-dev)
[ -f /usr/include/openssl/ssl.h ] || need_apt+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
if [ "${1:-}" = "--with-postgres" ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${1:-}" = "--with-postgres" ]; then
  missing_py=()
  python3 -c "import aiosmtpd" 2>/dev/null || missing_py+=(aiosmtpd)
  python3 -c "import openapi_spec_validator" 2>/dev/null || missing_py+=(openapi-spec-validator)
  python3 -c "import icalendar" 2>/dev/null || missing_py+=(icalendar)
  if [ ${#missing_py[@]} -gt 0 ]; then
    echo "setup: pip installing ${missing_py[*]}" >&2
    python3 -m pip install -q "${missing_py[@]}" 2>/dev/null || python3 -m pip install -q --break-system-packages "${missing_py[@]}"
  fi
fi
