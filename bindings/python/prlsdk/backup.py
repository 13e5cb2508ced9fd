"""The backup tree (PrlSrv_GetBackupTree's XML) as Python objects."""
import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import List, Optional
from xml.parsers import expat


class UnsafeXmlError(ValueError):
    """The document declares a DTD or entities (never expected from the library)."""


def parse_xml(text):
    """Parses XML into an ElementTree element, refusing any DOCTYPE or entity
    declaration: nothing is ever resolved or expanded."""
    builder = ET.TreeBuilder()
    p = expat.ParserCreate()

    def refuse(*_):
        raise UnsafeXmlError('DTDs and entities are not accepted in a backup tree')

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartElementHandler = builder.start
    p.EndElementHandler = builder.end
    p.CharacterDataHandler = builder.data
    p.Parse(text.encode('utf-8') if isinstance(text, str) else text, True)
    return builder.close()


def _text(el, tag, default=''):
    child = el.find(tag)
    return default if child is None or child.text is None else child.text.strip()


def _int(el, tag):
    t = _text(el, tag)
    try:
        return int(t)
    except ValueError:
        return 0


def _date(el):
    t = _text(el, 'DateTime')
    if not t:
        return None
    try:
        return datetime.datetime.fromisoformat(t.replace('Z', '+00:00'))
    except ValueError:
        return None


@dataclass
class BackupDisk:
    name: str
    original_path: str
    size: int
    encryption: str = ''


@dataclass
class Backup:
    """One chain element: the full backup (type 'f', number 1) or a later
    incremental/differential one (type 'i', number N, id '{chain}.N')."""
    id: str
    number: int
    type: str
    date: Optional[datetime.datetime]
    host: str = ''
    server_uuid: str = ''
    creator: str = ''
    size: int = 0               # bytes stored
    original_size: int = 0      # bytes of the VM's disks
    description: str = ''
    flags: int = 0
    disks: List[BackupDisk] = field(default_factory=list)
    increments: List['Backup'] = field(default_factory=list)  # full backups only

    @property
    def is_full(self):
        return self.type == 'f'

    @property
    def chain(self):
        """This element and the later ones of its chain (for a full backup)."""
        return [self] + list(self.increments)


@dataclass
class BackedUpVm:
    uuid: str
    name: str
    vm_type: str
    version: str
    backups: List[Backup] = field(default_factory=list)  # full backups, by date

    def all_backups(self):
        """Every element, each full backup followed by its chain."""
        return [b for full in self.backups for b in full.chain]


def _disks(el):
    out = []
    for d in el.findall('BackupDisks/BackupDisk'):
        out.append(BackupDisk(_text(d, 'Name'), _text(d, 'OriginalPath'), _int(d, 'Size'), _text(d, 'Encryption')))
    return out


def _element(el, number):
    return Backup(id=_text(el, 'Id'), number=number, type=_text(el, 'Type'), date=_date(el),
                  host=_text(el, 'Host'), server_uuid=_text(el, 'ServerUuid'), creator=_text(el, 'Creator'),
                  size=_int(el, 'Size'), original_size=_int(el, 'OriginalSize'),
                  description=_text(el, 'Description'), flags=_int(el, 'Flags'), disks=_disks(el))


def parse_backup_tree(xml_text):
    """The BackupTree document as a list of BackedUpVm."""
    root = parse_xml(xml_text)
    if root.tag != 'BackupTree':
        raise ValueError('not a BackupTree document: <%s>' % root.tag)
    vms = []
    for v in root.findall('VmItem'):
        vm = BackedUpVm(_text(v, 'Uuid'), _text(v, 'Name'), _text(v, 'VmType'), _text(v, 'Version'))
        for b in v.findall('BackupItem'):
            full = _element(b, 1)
            full.increments = [_element(p, _int(p, 'Number')) for p in b.findall('PartialBackupItem')]
            vm.backups.append(full)
        vms.append(vm)
    return vms
