#!/usr/bin/env python3
"""abigen: generate prlshim's ABI artefacts from the definitions table.

usage: abigen.py OUT_DIR [--coverage FILE]
       abigen.py --list-headers

Writes, below OUT_DIR:
  include/prlsdk/<header>.h   the table-driven public headers
  exports.map                 the linker version script (exactly the SDK's functions)
  exports.txt                 the same names, one a line (for the exports test)
  stubs.cpp                   bodies of every function the table marks `stub`
  export_addresses.cpp        takes every export's address (a missing body fails the link)
  error_table.inc             code -> name, brief and long descriptions
  abi_checks.c                the generated ABI test
  properties.cpp              the table-driven getters and setters (props.py)
  properties_test.cpp         their tests
  xml_order.inc               the product's element order (xml_order.tsv)
and, with --coverage, docs/api-coverage.md to FILE.
A file is rewritten only when its content changes, so builds stay incremental.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import artefacts  # noqa: E402
import headers  # noqa: E402
import props  # noqa: E402
from defs import Defs  # noqa: E402


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    if argv[:1] == ['--list-headers']:
        print(';'.join(Defs().headers()))
        return 0
    if not argv or argv[0].startswith('-'):
        print(__doc__)
        return 2
    defs = Defs()
    out = argv[0]
    for h in defs.headers():
        write_if_changed(os.path.join(out, 'include', 'prlsdk', h), headers.render_header(h, defs))
    write_if_changed(os.path.join(out, 'exports.map'), artefacts.version_script(defs))
    write_if_changed(os.path.join(out, 'exports.txt'), artefacts.export_list(defs))
    write_if_changed(os.path.join(out, 'stubs.cpp'), artefacts.stubs_cpp(defs))
    write_if_changed(os.path.join(out, 'export_addresses.cpp'), artefacts.export_addresses_cpp(defs))
    write_if_changed(os.path.join(out, 'error_table.inc'), artefacts.error_table_inc(defs))
    write_if_changed(os.path.join(out, 'enum_names.inc'), artefacts.enum_names_inc(defs))
    write_if_changed(os.path.join(out, 'abi_checks.c'), artefacts.abi_checks_c(defs))
    write_if_changed(os.path.join(out, 'properties.cpp'), props.properties_cpp(defs))
    write_if_changed(os.path.join(out, 'properties_test.cpp'), props.properties_test_cpp(defs))
    write_if_changed(os.path.join(out, 'xml_order.inc'), artefacts.xml_order_inc(defs))
    if '--coverage' in argv:
        write_if_changed(argv[argv.index('--coverage') + 1], artefacts.api_coverage_md(defs))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
