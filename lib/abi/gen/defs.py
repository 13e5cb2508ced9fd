"""Loading the definitions table (lib/abi/defs/*.tsv) into plain Python objects.

Every generator reads the table through this module, so the table's format is
known in one place.
"""
import csv
import os
import re
from collections import OrderedDict

DEFS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'defs')

IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')


def _read(name, defs_dir):
    with open(os.path.join(defs_dir, name), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


class Function:
    def __init__(self, row):
        self.name = row['name']
        self.is_async = row['kind'] == 'async'
        self.since = int(row['since'])
        self.header = row['header']
        self.deprecated = row['deprecated'] == 'yes'
        self.implemented = row['status'] == 'impl'
        # `guest`: needs a running guest or a hypervisor; answers as the
        # product does for a VM whose guest cannot serve it (lib/abi/guest.cpp).
        self.needs_guest = row['status'] == 'guest'
        self.generated = False  # set for table-driven properties (props.py)
        if row['status'] not in ('impl', 'stub', 'guest'):
            raise ValueError('%s: status must be impl, stub or guest' % self.name)
        self.params = [] if row['params'] == 'void' else row['params'].split('; ')

    @property
    def returns(self):
        return 'PRL_HANDLE' if self.is_async else 'PRL_RESULT'

    @property
    def prefix(self):
        return self.name.split('_', 1)[0] + '_'

    def param_types(self):
        """Parameter types alone, e.g. ['PRL_HANDLE', 'PRL_UINT32_PTR']."""
        return [p.rsplit(' ', 1)[0] for p in self.params]

    def param_list(self, names=True):
        if not self.params:
            return 'void'
        return ', '.join(self.params if names else self.param_types())


class Constant:
    def __init__(self, row):
        self.name = row['name']
        self.value = int(row['value'])
        self.unsigned = row['ctype'] == 'unsigned int'
        self.group = row['group']
        self.header = row['header']

    def c_literal(self):
        """The value as a C constant expression of the same 32-bit pattern and type."""
        v = self.value
        if v < 0:  # no cast: C++ clients may build with -Wold-style-cast
            text = '(-2147483647 - 1)' if v == -2147483648 else '(%d)' % v
            return text if v >= -65535 else '%s /* 0x%08X */' % (text, v & 0xffffffff)
        if v > 0x7fffffff:
            return '0x%08Xu' % v
        text = str(v) if v <= 0xffff else '0x%08X' % v
        return text + ('u' if self.unsigned and self.group == '#define' else '')


class Typedef:
    def __init__(self, row):
        self.name = row['name']
        self.kind = row['kind']
        self.header = row['header']
        self.size = row['size']
        self.offsets = [] if row['offsets'] in ('-', '') else [
            tuple(p.rsplit(':', 1)) for p in row['offsets'].split(',')]
        self.definition = row['definition']

    @property
    def is_struct(self):
        return self.kind.startswith('struct')

    @property
    def is_enum(self):
        return self.kind.startswith('enum')

    def references(self):
        return set(IDENT.findall(self.definition)) - {self.name}


class Defs:
    def __init__(self, defs_dir=DEFS_DIR):
        self.defs_dir = defs_dir
        self.functions = [Function(r) for r in _read('functions.tsv', defs_dir)]
        self.constants = [Constant(r) for r in _read('constants.tsv', defs_dir)]
        self.strings = _read('strings.tsv', defs_dir)
        self.initializers = _read('initializers.tsv', defs_dir)
        self.typedefs = [Typedef(r) for r in _read('typedefs.tsv', defs_dir)]
        self.event_params = _read('event_params.tsv', defs_dir)
        self.aliases = _read('aliases.tsv', defs_dir)  # compatibility names, ours
        self.errors = {r['name']: r for r in _read('errors.tsv', defs_dir)}
        self.groups = OrderedDict((r['prefix'], r['note']) for r in _read('groups.tsv', defs_dir))
        self.typedef_by_name = {t.name: t for t in self.typedefs}
        self.function_by_name = {f.name: f for f in self.functions}
        self.constant_by_name = {c.name: c for c in self.constants}
        self.xml_order = [(r['element'], r['children']) for r in _read('xml_order.tsv', defs_dir)]
        import props  # table-driven properties count as implemented (props.mark_generated)
        props.mark_generated(self)
        for name in self.errors:
            if name not in {c.name for c in self.constants if c.group == 'PRL_RESULT'}:
                raise ValueError('errors.tsv names unknown code %s' % name)

    def headers(self):
        """Every header the table places something in, in a stable order."""
        seen = OrderedDict()
        for seq in (self.typedefs, self.constants, self.functions):
            for item in seq:
                seen[item.header] = True
        for seq in (self.strings, self.initializers):
            for item in seq:
                seen[item['header']] = True
        return list(seen)

    def result_codes(self):
        return [c for c in self.constants if c.group == 'PRL_RESULT']
