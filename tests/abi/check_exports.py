#!/usr/bin/env python3
"""check_exports.py LIB EXPORTS_TXT: the library's dynamic function symbols must
be exactly the names in EXPORTS_TXT (the SDK's functions), nothing missing,
nothing else."""
import subprocess
import sys

lib, listing = sys.argv[1], sys.argv[2]
want = set(open(listing).read().split())
out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True, check=True).stdout
have = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) >= 3:
        have.add(parts[2])
missing, extra = sorted(want - have), sorted(have - want)
for m in missing[:50]:
    print('missing export: ' + m)
for e in extra[:50]:
    print('unexpected export: ' + e)
print('%d of %d SDK functions exported, %d other symbols' % (len(want) - len(missing), len(want), len(extra)))
print('%d passed, %d failed' % (1 if not (missing or extra) else 0, 0 if not (missing or extra) else 1))
sys.exit(1 if missing or extra else 0)
