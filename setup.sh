#!/bin/sh
# The README's two commands:
#   ./setup.sh demo   install what is missing, build, run the demo
#   ./setup.sh test   install what is missing, build, run the whole test suite
# On Debian (root, or a user with sudo). Set PRLSHIM_NO_INSTALL=1 to skip apt.
set -eu
cd "$(dirname "$0")"
what=${1:-demo}

PACKAGES="cmake g++ make pkg-config python3 binutils libxml2-dev libxml2-utils uuid-dev catch2 libzstd-dev libssl-dev libsqlite3-dev libpam0g-dev libcli11-dev nlohmann-json3-dev"
if [ "$what" = test ]; then
  # clang: the header test also compiles every header with it; pytest and Go
  # run the bindings' tests; xfsprogs lets root make an XFS loop mount for
  # the tests of what only a reflink file system does; libpam-wrapper lets
  # prlshimd's PAM logins be tested without touching /etc/pam.d; Ceph's
  # monitor, OSD and librados run the RADOS backend's tests on a throwaway
  # cluster (tests/support/ceph_cluster.sh).
  PACKAGES="$PACKAGES clang libclang-rt-14-dev python3-pytest golang-go xfsprogs libpam-wrapper"
  PACKAGES="$PACKAGES ceph-mon ceph-osd ceph-common librados-dev"
fi

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ] && [ "${PRLSHIM_NO_INSTALL:-0}" != 1 ]; then
  echo "Installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
# -g1 (line tables: backtraces and valgrind still name file and line) builds
# in about half the time of the default -g.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" > /dev/null
cmake --build build -j "$jobs"

case "$what" in
  demo)
    PRLSHIM_HOME=${PRLSHIM_HOME:-$PWD/build/demo-home} build/examples/demo ;;
  test)
    ctest --test-dir build -j "$jobs" --output-on-failure ;;
  *)
    echo "usage: ./setup.sh demo|test" >&2; exit 2 ;;
esac
