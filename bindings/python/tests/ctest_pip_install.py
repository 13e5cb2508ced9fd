#!/usr/bin/env python3
"""`pip install` of the package into a fresh venv, offline, then the example
run against the installed copy. usage: ctest_pip_install.py SRC WORKDIR EXAMPLE...

The venv sees the system site-packages (pip, setuptools: nothing is downloaded).
Exits 77 (skipped) when venv, pip or setuptools is unavailable."""
import importlib.util
import os
import shutil
import subprocess
import sys

src, work = (os.path.abspath(a) for a in sys.argv[1:3])
examples = [os.path.abspath(a) for a in sys.argv[3:]]
missing = [m for m in ('pip', 'setuptools', 'venv') if importlib.util.find_spec(m) is None]
if missing:
    print('skipped: no %s for %s' % (', '.join(missing), sys.executable))
    sys.exit(77)

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# Build from a copy: pip builds in the source tree, which must stay clean.
copy = os.path.join(work, 'src')
shutil.copytree(src, copy, ignore=shutil.ignore_patterns('tests', 'build', '*.egg-info', '__pycache__'))
env_dir = os.path.join(work, 'venv')
subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', '--without-pip', env_dir], check=True)
py = os.path.join(env_dir, 'bin', 'python')
subprocess.run([py, '-m', 'pip', 'install', '--no-build-isolation', '--no-index', '--quiet', copy], check=True)
shutil.rmtree(copy)  # the installed package alone from here on
for module in ('prlsdk', 'prlsdkapi', 'prlsdkapi.prlsdk.consts'):
    where = subprocess.run([py, '-c', 'import %s as m; print(m.__file__)' % module], check=True, cwd=work,
                           capture_output=True, text=True).stdout.strip()
    print('installed:', where)
    assert where.startswith(env_dir), where
env = dict(os.environ)
env.pop('PYTHONPATH', None)
for i, example in enumerate(examples):
    env['PRLSHIM_HOME'] = os.path.join(work, 'home%d' % i)
    os.makedirs(env['PRLSHIM_HOME'])
    rc = subprocess.run([py, example], cwd=work, env=env).returncode
    if rc:
        sys.exit(rc)
