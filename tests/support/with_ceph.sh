#!/bin/sh
# Runs a test program against a throwaway Ceph cluster and pool, stopped and
# removed afterwards. Exit 77 (skipped) only when this machine has no Ceph.
#   with_ceph.sh PROGRAM [ARGS...]   (PRLSHIM_TEST_CEPH_CONF, PRLSHIM_TEST_CEPH_POOL and
#                                    CEPH_CONF tell it where the cluster and its pool are)
set -u
cluster=$(dirname "$0")/ceph_cluster.sh
dir=$(mktemp -d /tmp/prlshim-ceph.XXXXXX)
trap 'sh "$cluster" stop "$dir"; rm -rf "$dir"' EXIT INT TERM
sh "$cluster" start "$dir"
rc=$?
[ $rc -eq 0 ] || exit $rc
ceph -c "$dir/ceph.conf" osd pool create prlshim-test 8 >/dev/null 2>&1 || { echo "cannot create a pool"; exit 1; }
PRLSHIM_TEST_CEPH_CONF=$dir/ceph.conf PRLSHIM_TEST_CEPH_POOL=prlshim-test CEPH_CONF=$dir/ceph.conf "$@"
