#!/usr/bin/env python3
"""Runs pytest for ctest; exits 77 (ctest's SKIP_RETURN_CODE) when pytest is missing."""
import sys

try:
    import pytest
except ImportError:
    print('pytest is not installed for %s: skipped' % sys.executable)
    sys.exit(77)

sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', *sys.argv[1:]]))
