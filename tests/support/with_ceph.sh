#!/bin/sh
# Runs a test program against a throwaway Ceph cluster and pool, stopped and
# removed afterwards. Exit 77 (skipped) only when this machine has no Ceph.
#   with_ceph.sh PROGRAM [ARGS...]   (PRLSHIM_TEST_CEPH_CONF, PRLSHIM_TEST_CEPH_POOL and
#                                    CEPH_CONF tell it where the cluster and its pool are;
#                                    PRLSHIM_TEST_CEPH_USER names a cephx user with rights
#                                    on that pool alone, its key in the keyring ceph.conf names)
set -u
cluster=$(dirname "$0")/ceph_cluster.sh
dir=$(mktemp -d /tmp/prlshim-ceph.XXXXXX)
trap 'sh "$cluster" stop "$dir"; rm -rf "$dir"' EXIT INT TERM
sh "$cluster" start "$dir"
rc=$?
[ $rc -eq 0 ] || exit $rc
ceph -c "$dir/ceph.conf" osd pool create prlshim-test 8 >/dev/null 2>&1 || { echo "cannot create a pool"; exit 1; }
# A Ceph user with rights on that pool alone, as a backup node would have.
ceph -c "$dir/ceph.conf" auth get-or-create client.prlshim mon 'allow r' osd 'allow rwx pool=prlshim-test' \
    -o "$dir/prlshim.keyring" || { echo "cannot create a Ceph user"; exit 1; }
printf '[client.prlshim]\nkeyring = %s\n' "$dir/prlshim.keyring" >> "$dir/ceph.conf"
PRLSHIM_TEST_CEPH_CONF=$dir/ceph.conf PRLSHIM_TEST_CEPH_POOL=prlshim-test PRLSHIM_TEST_CEPH_USER=prlshim \
    CEPH_CONF=$dir/ceph.conf "$@"
