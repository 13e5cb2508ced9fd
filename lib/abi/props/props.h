// Table-driven properties: most getters and setters of a VM's, a device's,
// the dispatcher's or a network's configuration read or write one element of
// the document that object keeps (lib/abi/defs/properties.tsv). Their entry
// points are generated (lib/abi/gen/props.py); this is what they call.
//
// An object keeps its document as a service::XmlTree; an Owner names how a
// handle leads to that tree (props_owners.cpp). A Spec says where the value
// lives, how its text reads and writes, what is returned when the element is
// missing (the product's default) and what a setter accepts.
#pragma once

#include <PrlTypes.h>

#include <cstddef>
#include <string>

namespace prl::props {

enum class Owner {
    vm,        // PHT_VIRTUAL_MACHINE: config.pvs from its root element
    device,    // any PHT_VIRTUAL_DEV_*: its device element
    hdd,       // PHT_VIRTUAL_DEV_HARD_DISK only
    net,       // PHT_VIRTUAL_DEV_NET_ADAPTER only
    optical,   // PHT_VIRTUAL_DEV_OPTICAL_DISK only
    serial,    // PHT_VIRTUAL_DEV_SERIAL_PORT only
    sound,     // PHT_VIRTUAL_DEV_SOUND only
    usb,       // PHT_VIRTUAL_DEV_USB_DEVICE only
    parallel,  // PHT_VIRTUAL_DEV_PARALLEL_PORT only
    floppy,    // PHT_VIRTUAL_DEV_FLOPPY only
    vnet,      // PHT_VIRTUAL_NETWORK: its VirtualNetwork element
    disp,      // PHT_DISP_CONFIG: the CommonPreferences element of dispatcher.xml
    dispnet,   // PHT_DISP_NET_ADAPTER: its NetworkAdapter element in the DispConfig
};

enum class Kind {
    boolean,    // xs:boolean: "true"/"false" (reads 1/0 too)
    boolean01,  // an integer element holding 0 or 1
    integer,    // decimal, signed or unsigned
    real,       // decimal fraction
    text,       // free text
};

enum class TextRule {
    any,   // storable UTF-8 text (no control characters but tab/newline), 64 KiB
    line,  // one line: no tab, CR or LF, 4 KiB
    line_or_null,  // the same; NULL is the empty string
    ip,    // one IPv4 or IPv6 address, stored in its canonical text
};

struct Spec {
    const char* path;       // element path below the owner's element
    Kind kind;
    const char* fallback;   // the value read when the element is missing
    long long lo, hi;       // numbers: the accepted range
    const long long* allowed;  // numbers: if non-null, the only accepted values
    std::size_t allowed_count;
    TextRule rule;
};

// Readers: the element's value, or the Spec's fallback when it is missing or
// does not read as the Spec's kind.
bool get_bool(Owner owner, PRL_HANDLE h, const Spec& spec);
long long get_int(Owner owner, PRL_HANDLE h, const Spec& spec);
double get_real(Owner owner, PRL_HANDLE h, const Spec& spec);
std::string get_text(Owner owner, PRL_HANDLE h, const Spec& spec);

// Writers: refuse a value the Spec does not accept with PRL_ERR_INVALID_ARG.
void set_bool(Owner owner, PRL_HANDLE h, const Spec& spec, bool value);
void set_int(Owner owner, PRL_HANDLE h, const Spec& spec, long long value);
void set_real(Owner owner, PRL_HANDLE h, const Spec& spec, double value);
void set_text(Owner owner, PRL_HANDLE h, const Spec& spec, PRL_CONST_STR value);

}  // namespace prl::props
