#!/bin/sh
# Runs a test program against a throwaway Ceph cluster and pool, stopped and
# removed afterwards. Exit 77 (skipped) only when this machine has no Ceph.
#   rados_tests.sh CLUSTER_SCRIPT PROGRAM [ARGS...]
set -u
cluster=$1; shift
dir=$(mktemp -d /tmp/prlshim-ceph.XXXXXX)
trap 'sh "$cluster" stop "$dir"; rm -rf "$dir"' EXIT INT TERM
sh "$cluster" start "$dir"
rc=$?
[ $rc -eq 0 ] || exit $rc
ceph -c "$dir/ceph.conf" osd pool create prlshim-test 8 >/dev/null 2>&1 || { echo "cannot create a pool"; exit 1; }
PRLSHIM_TEST_CEPH_CONF=$dir/ceph.conf PRLSHIM_TEST_CEPH_POOL=prlshim-test CEPH_CONF=$dir/ceph.conf "$@"
