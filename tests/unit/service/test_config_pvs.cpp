#include "store/vm_config.h"
#include "store_test_util.h"
#include "test_home.h"

using namespace prl::service;

namespace {

VmConfig sample_config() {
    VmConfig c = make_default_config(2314 /* PVS_GUEST_VER_LIN_UBUNTU */);
    c.uuid = "{1f0c6a3e-2b4d-4c5e-9f10-aabbccddeeff}";
    c.name = "Ünïcode VM <&> \"quoted\"";
    c.description = "line one\nline two & more";
    c.server_uuid = "{00000000-1111-2222-3333-444444444444}";
    c.home_path = "/somewhere/x.pvm/config.pvs";
    c.ram_mib = 4096;
    c.cpu_count = 4;
    HardDisk extra;
    extra.index = 1;
    extra.image_path = "disks/data.hdd";
    extra.friendly_name = "data";
    extra.size_mib = 10;
    extra.enabled = false;
    extra.connected = false;
    extra.interface_type = pvs::iface_ide;
    extra.stack_index = 3;
    extra.description = "second disk";
    c.hard_disks.push_back(extra);
    Device serial;
    serial.kind = DeviceKind::serial;
    serial.emulated_type = 2;
    serial.system_name = "serial0.log";
    // Devices are kept grouped by kind in the product's order (serial before network).
    c.devices.insert(c.devices.begin() + 1, serial);
    c.devices[2].mac = "001C42AABBCC";  // the network adapter
    return c;
}

// A config.pvs written the way a Virtuozzo 7 host writes one (legacy root
// name, dyn_lists bookkeeping, id= plus <Index>, many elements we ignore).
const char* product_sample = R"(<?xml version="1.0" encoding="UTF-8"?>
<ParallelsVirtualMachine schemaVersion="1.0" dyn_lists="VirtualAppliance 0">
   <AppVersion>7.0.200</AppVersion>
   <ValidRc>0</ValidRc>
   <Identification dyn_lists="">
      <VmUuid>{6A1C7D0E-0F44-4B5B-8D0A-6A2E1F3B9C11}</VmUuid>
      <SourceVmUuid>{6a1c7d0e-0f44-4b5b-8d0a-6a2e1f3b9c11}</SourceVmUuid>
      <VmName>centos7-web</VmName>
      <ServerUuid>{9d3f1a52-7b6e-4d0c-a1f2-55e3c8d4b001}</ServerUuid>
      <LastServerUuid>{9d3f1a52-7b6e-4d0c-a1f2-55e3c8d4b001}</LastServerUuid>
      <ServerHost>vz7-node1</ServerHost>
      <VmHome>/vz/vmprivate/6a1c7d0e-0f44-4b5b-8d0a-6a2e1f3b9c11/config.pvs</VmHome>
      <ChangedBy>root</ChangedBy>
      <ChangeDateTime>2019-04-12 10:01:33</ChangeDateTime>
      <VmCreationDate>2019-04-01 09:00:00</VmCreationDate>
   </Identification>
   <Security dyn_lists="">
      <AccessControlList dyn_lists="AccessControl 0"/>
      <Owner>root</Owner>
   </Security>
   <Settings dyn_lists="">
      <General dyn_lists="">
         <OsType>9</OsType>
         <OsNumber>2317</OsNumber>
         <VmDescription>front-end web server</VmDescription>
         <IsTemplate>0</IsTemplate>
         <CustomProperty></CustomProperty>
      </General>
      <Startup dyn_lists="">
         <AutoStart>0</AutoStart>
         <BootingOrder dyn_lists="BootDevice 1">
            <BootDevice id="0" dyn_lists=""><Index>0</Index><Type>6</Type><BootingNumber>0</BootingNumber><InUse>1</InUse></BootDevice>
         </BootingOrder>
      </Startup>
      <Runtime dyn_lists=""><IoPriority>4</IoPriority></Runtime>
   </Settings>
   <Hardware dyn_lists="Fdd 0 CdRom 1 Hdd 2 Serial 0 NetworkAdapter 1">
      <Cpu dyn_lists="">
         <Number>2</Number>
         <Mode>1</Mode>
         <EnableHotplug>0</EnableHotplug>
      </Cpu>
      <Chipset dyn_lists=""><Type>1</Type></Chipset>
      <Memory dyn_lists="">
         <RAM>2048</RAM>
         <EnableHotplug>0</EnableHotplug>
      </Memory>
      <Video dyn_lists="">
         <Enabled>1</Enabled>
         <VideoMemorySize>32</VideoMemorySize>
      </Video>
      <CdRom id="0" dyn_lists="">
         <Index>0</Index>
         <Enabled>1</Enabled>
         <Connected>1</Connected>
         <EmulatedType>1</EmulatedType>
         <SystemName>/iso/CentOS-7-x86_64-Minimal.iso</SystemName>
         <UserFriendlyName>/iso/CentOS-7-x86_64-Minimal.iso</UserFriendlyName>
         <Remote>0</Remote>
         <InterfaceType>2</InterfaceType>
         <StackIndex>1</StackIndex>
         <Passthrough>0</Passthrough>
         <DeviceDescription></DeviceDescription>
      </CdRom>
      <Hdd id="0" dyn_lists="Partition 0">
         <Index>0</Index>
         <Enabled>1</Enabled>
         <Connected>1</Connected>
         <EmulatedType>1</EmulatedType>
         <SystemName>harddisk.hdd</SystemName>
         <UserFriendlyName>harddisk.hdd</UserFriendlyName>
         <Remote>0</Remote>
         <InterfaceType>3</InterfaceType>
         <StackIndex>0</StackIndex>
         <DiskType>1</DiskType>
         <Size>65536</Size>
         <SizeInBytes>68719476736</SizeInBytes>
         <SizeOnDisk>1843</SizeOnDisk>
         <Passthrough>0</Passthrough>
         <Splitted>0</Splitted>
         <DiskVersion>2</DiskVersion>
         <CompatLevel>level2</CompatLevel>
         <DeviceDescription></DeviceDescription>
         <IoLimit dyn_lists=""><IoLimitType>0</IoLimitType></IoLimit>
      </Hdd>
      <Hdd id="1" dyn_lists="Partition 0">
         <Index>1</Index>
         <Enabled>1</Enabled>
         <Connected>0</Connected>
         <EmulatedType>1</EmulatedType>
         <SystemName>/vz/vmprivate/data/data.hdd</SystemName>
         <UserFriendlyName>data.hdd</UserFriendlyName>
         <Remote>0</Remote>
         <InterfaceType>1</InterfaceType>
         <StackIndex>2</StackIndex>
         <DiskType>1</DiskType>
         <Size>20480</Size>
         <SizeOnDisk>0</SizeOnDisk>
         <Passthrough>0</Passthrough>
         <Splitted>0</Splitted>
      </Hdd>
      <NetworkAdapter AdapterType_patch="1" id="0" dyn_lists="NetAddress DnsIPAddress SearchDomain">
         <Index>0</Index>
         <Enabled>1</Enabled>
         <Connected>1</Connected>
         <EmulatedType>2</EmulatedType>
         <SystemName>eth0</SystemName>
         <UserFriendlyName>eth0</UserFriendlyName>
         <Remote>0</Remote>
         <AdapterNumber>-1</AdapterNumber>
         <MAC>001C42F4E1A2</MAC>
         <VirtualNetworkID>Bridged</VirtualNetworkID>
         <AdapterType>3</AdapterType>
         <Firewall dyn_lists=""><Enabled>0</Enabled></Firewall>
      </NetworkAdapter>
   </Hardware>
   <InstalledSoftware>0</InstalledSoftware>
</ParallelsVirtualMachine>
)";

// The modelled fields alone: a configuration read from a file also keeps the
// file's whole tree (VmConfig::extra), which one made in memory does not have.
VmConfig modelled(VmConfig c) {
    c.extra = XmlTree{};
    for (auto& d : c.hard_disks) d.extra = XmlTree{};
    for (auto& d : c.devices) d.extra = XmlTree{};
    return c;
}

}  // namespace

TEST_CASE("config.pvs: round trip keeps every field") {
    VmConfig c = sample_config();
    std::string xml = to_config_pvs(c);
    VmConfig back = from_config_pvs(xml);
    CHECK(back.name == c.name);
    CHECK(back.description == c.description);
    CHECK(modelled(back).hard_disks == modelled(c).hard_disks);
    CHECK(modelled(back).devices == modelled(c).devices);
    CHECK(modelled(back) == modelled(c));
    CHECK(from_config_pvs(xml) == back);
    CHECK(to_config_pvs(back) == xml);  // stable output
}

TEST_CASE("config.pvs: written with the product's element names") {
    std::string xml = to_config_pvs(sample_config());
    for (const char* needle :
         {"<VirtuozzoVirtualMachine schemaVersion=\"1.0\">", "<Identification>", "<VmUuid>{1f0c6a3e-",
          "<VmName>", "<ServerUuid>", "<VmHome>/somewhere/x.pvm/config.pvs</VmHome>", "<Settings>", "<General>",
          "<OsType>9</OsType>", "<OsNumber>2314</OsNumber>", "<VmDescription>", "<Hardware>", "<Cpu>",
          "<Number>4</Number>", "<Memory>", "<RAM>4096</RAM>", "<VideoMemorySize>32</VideoMemorySize>",
          "<Hdd id=\"0\">", "<Index>0</Index>", "<SystemName>harddisk.hdd</SystemName>", "<Size>65536</Size>",
          "<InterfaceType>1</InterfaceType>", "<SubType>3</SubType>", "<AdapterType>3</AdapterType>",
          "<BootingOrder>", "<CdRom id=\"0\">", "<NetworkAdapter id=\"0\">",
          "<MAC>001C42AABBCC</MAC>", "<USB id=\"0\">", "<Serial id=\"0\">", "&lt;&amp;&gt;"}) {
        INFO(needle);
        CHECK(xml.find(needle) != std::string::npos);
    }
    // Devices in the product's order: CdRom before Hdd before Serial before NetworkAdapter before USB.
    CHECK(xml.find("<CdRom") < xml.find("<Hdd"));
    CHECK(xml.find("<Hdd") < xml.find("<Serial"));
    CHECK(xml.find("<Serial") < xml.find("<NetworkAdapter"));
    CHECK(xml.find("<NetworkAdapter") < xml.find("<USB"));
}

TEST_CASE("config.pvs: loads a product-written file and ignoring unknown elements") {
    VmConfig c = from_config_pvs(product_sample);
    CHECK(c.uuid == "{6a1c7d0e-0f44-4b5b-8d0a-6a2e1f3b9c11}");  // normalized to lower case
    CHECK(c.name == "centos7-web");
    CHECK(c.type == VmType::vm);
    CHECK(c.server_uuid == "{9d3f1a52-7b6e-4d0c-a1f2-55e3c8d4b001}");
    CHECK(c.home_path == "/vz/vmprivate/6a1c7d0e-0f44-4b5b-8d0a-6a2e1f3b9c11/config.pvs");
    CHECK(c.description == "front-end web server");
    CHECK(c.os_type == 9);
    CHECK(c.os_version == 2317);
    CHECK(c.cpu_count == 2);
    CHECK(c.ram_mib == 2048);
    CHECK(c.video_mib == 32);
    REQUIRE(c.hard_disks.size() == 2);
    CHECK(c.hard_disks[0].index == 0);
    CHECK(c.hard_disks[0].image_path == "harddisk.hdd");
    CHECK(c.hard_disks[0].size_mib == 65536);
    CHECK(c.hard_disks[0].interface_type == pvs::iface_virtio_block);
    CHECK(c.hard_disks[1].index == 1);
    CHECK(c.hard_disks[1].connected == false);
    CHECK(c.hard_disks[1].image_path == "/vz/vmprivate/data/data.hdd");
    CHECK(c.hard_disks[1].friendly_name == "data.hdd");
    CHECK(c.hard_disks[1].interface_type == 1);
    CHECK(c.hard_disks[1].stack_index == 2);
    CHECK(c.hard_disks[1].size_mib == 20480);
    REQUIRE(c.devices.size() == 2);
    CHECK(c.devices[0].kind == DeviceKind::cdrom);
    CHECK(c.devices[0].system_name == "/iso/CentOS-7-x86_64-Minimal.iso");
    CHECK(c.devices[0].interface_type == 2);
    CHECK(c.devices[0].stack_index == 1);
    CHECK(c.devices[1].kind == DeviceKind::network_adapter);
    CHECK(c.devices[1].mac == "001C42F4E1A2");
    CHECK(c.devices[1].emulated_type == 2);
    // And what we write from it loads back the same.
    CHECK(modelled(from_config_pvs(to_config_pvs(c))) == modelled(c));
    // And one more round trip changes nothing at all (a fixed point).
    const std::string once = to_config_pvs(c);
    CHECK(to_config_pvs(from_config_pvs(once)) == once);
}

TEST_CASE("config.pvs: older files with index= attributes load") {
    const char* old = R"(<?xml version="1.0" encoding="UTF-8"?>
<VirtuozzoVirtualMachine schemaVersion="1.0" appVersion="3.0.1541" >
   <Identification>
      <VmUuid>{2e5c5dec-8cb4-3d1f-b442-311ca915a23b}</VmUuid>
      <VmName>old-style</VmName>
      <ServerUuid></ServerUuid>
   </Identification>
   <Hardware>
      <Memory><RAM>256</RAM></Memory>
      <Hdd index="3" ><Enabled>1</Enabled><SystemName>Winxp.hdd</SystemName><Size>4000</Size></Hdd>
   </Hardware>
</VirtuozzoVirtualMachine>)";
    VmConfig c = from_config_pvs(old);
    CHECK(c.name == "old-style");
    CHECK(c.ram_mib == 256);
    CHECK(c.server_uuid.empty());
    REQUIRE(c.hard_disks.size() == 1);
    CHECK(c.hard_disks[0].index == 3);
    CHECK(c.hard_disks[0].size_mib == 4000);
}

TEST_CASE("config.pvs: a container keeps its type") {
    VmConfig c = sample_config();
    c.type = VmType::ct;
    CHECK(from_config_pvs(to_config_pvs(c)).type == VmType::ct);
}

TEST_CASE("config.pvs: default configuration follows the guest OS") {
    VmConfig win = make_default_config(2063 /* PVS_GUEST_VER_WIN_WINDOWS10 */);
    CHECK(win.os_type == pvs::guest_type_windows);
    CHECK(win.ram_mib == 2048);
    REQUIRE(win.hard_disks.size() == 1);
    // As the SDK: a guest with virtio gets its disk on SCSI (virtio-scsi); a
    // Windows guest's CD-ROM stays on SATA for its installer.
    constexpr int scsi = 1;
    CHECK(win.hard_disks[0].interface_type == scsi);
    CHECK(win.hard_disks[0].extra.text_at("SubType") == "3");
    CHECK(win.devices[0].interface_type == pvs::iface_sata);
    CHECK(win.devices[0].stack_index == 0);
    VmConfig lin = make_default_config(2314);
    CHECK(lin.os_type == pvs::guest_type_linux);
    CHECK(lin.hard_disks[0].interface_type == scsi);
    CHECK(lin.hard_disks[0].size_mib == 65536);
    REQUIRE(lin.devices.size() == 3);
    CHECK(lin.devices[0].interface_type == scsi);
    CHECK(lin.devices[0].stack_index == 1);
    CHECK(lin.devices[1].extra.text_at("AdapterType") == "3");  // virtio
    // A guest without virtio (Windows XP): SATA; no adapter model it supports.
    VmConfig xp = make_default_config(2055 /* PVS_GUEST_VER_WIN_XP */);
    CHECK(xp.hard_disks[0].interface_type == pvs::iface_sata);
    CHECK(xp.devices[0].stack_index == 1);
    CHECK_FALSE(xp.devices[1].extra.text_at("AdapterType").has_value());  // XP: neither virtio nor e1000
    // The boot order: disk, CD-ROM, USB (not in use), network.
    const XmlTree* order = lin.extra.find("Settings/Startup/BootingOrder");
    REQUIRE(order != nullptr);
    const auto entries = order->all("BootDevice");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0]->text_at("Type") == "6");
    CHECK(entries[1]->text_at("Type") == "5");
    CHECK(entries[2]->text_at("InUse") == "0");
    CHECK(entries[3]->text_at("BootingNumber") == "3");
    CHECK(make_default_config(2314, false).hard_disks.empty());
}

TEST_CASE("config.pvs: values that cannot be stored faithfully are refused") {
    VmConfig c = sample_config();
    SECTION("bad UUID") { c.uuid = "{nope}"; }
    SECTION("non-UTF-8 name") { c.name = "bad\xff"; }
    SECTION("NUL in description") { c.description = std::string("a\0b", 3); }
    SECTION("control character in a path") { c.hard_disks[0].image_path = "a\x01"; }
    SECTION("zero CPUs") { c.cpu_count = 0; }
    REQUIRE_ERRC(to_config_pvs(c), Errc::invalid_argument);
}

TEST_CASE("config.pvs: wrong root and bad numbers and bad UUIDs are corrupt") {
    REQUIRE_ERRC(from_config_pvs("<Other/>"), Errc::corrupt);
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><Memory><RAM>lots</RAM></Memory></Hardware>"
                                 "</VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><Cpu><Number>-3</Number></Cpu></Hardware>"
                                 "</VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Identification><VmUuid>xyz</VmUuid></Identification>"
                                 "</VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><Hdd id=\"x\"/></Hardware>"
                                 "</VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    // Only a network adapter may be a container's venet0, at index 0xFFFFFFFF.
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><CdRom><Index>4294967295</Index></CdRom>"
                                 "</Hardware></VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    REQUIRE_ERRC(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><NetworkAdapter><Index>4294967294</Index>"
                                 "</NetworkAdapter></Hardware></VirtuozzoVirtualMachine>"),
                 Errc::corrupt);
    CHECK(is_venet(from_config_pvs("<VirtuozzoVirtualMachine><Hardware><NetworkAdapter id=\"4294967295\"/>"
                                   "</Hardware></VirtuozzoVirtualMachine>")
                       .devices.at(0)));
}

TEST_CASE("config.pvs: whitespace alone in an element that gains children is layout (a fixed point)") {
    // Found by fuzz_config_pvs: the root's "\n" was kept as text beside the
    // children written into it, which turned off indentation for one write.
    const VmConfig c = from_config_pvs("<?xml version=\"1.0\"?>\n<VirtuozzoVirtualMachine schemaVersion=\"1.0\">\n"
                                       "</VirtuozzoVirtualMachine>\n");
    const std::string once = to_config_pvs(c);
    CHECK(to_config_pvs(from_config_pvs(once)) == once);
    CHECK(once.find("\n  <Hardware>") != std::string::npos);  // indented
}

TEST_CASE("config.pvs: a value written among child elements reads back the same") {
    // Found by fuzz_config_pvs: readers take an element's direct text even
    // when it also holds elements; the writer used to drop such text.
    const VmConfig c = from_config_pvs(
        "<VirtuozzoVirtualMachine><Identification><VmUuid>01234567-89ab-cdef-<Z/>0123-456789abcdef</VmUuid>"
        "<VmName>a<b/>c</VmName></Identification><Settings><General><VmDescription>one<i>x</i>two"
        "</VmDescription></General></Settings><Hardware><Hdd id=\"0\"><SystemName>d<q/>.hdd</SystemName>"
        "</Hdd></Hardware><Kept>text<Inner/></Kept></VirtuozzoVirtualMachine>");
    REQUIRE(c.uuid == "{01234567-89ab-cdef-0123-456789abcdef}");
    REQUIRE(c.name == "ac");
    REQUIRE(c.description == "onetwo");
    REQUIRE(c.hard_disks.at(0).image_path == "d.hdd");
    const std::string written = to_config_pvs(c);
    const VmConfig again = from_config_pvs(written);
    REQUIRE(again.uuid == c.uuid);
    REQUIRE(again.name == c.name);
    REQUIRE(again.description == c.description);
    REQUIRE(again.hard_disks.at(0).image_path == "d.hdd");
    REQUIRE(to_config_pvs(again) == written);
    // An element we do not model keeps its text and its children.
    REQUIRE(written.find("<Kept>text<Inner/></Kept>") != std::string::npos);
}

TEST_CASE("config.pvs: save is atomic and load reports a missing file as not_a_bundle") {
    prl::test::TempDir tmp;
    auto file = tmp.path() / "config.pvs";
    REQUIRE_ERRC(load_config_pvs(file), Errc::not_a_bundle);
    VmConfig c = sample_config();
    save_config_pvs(file, c);
    CHECK(modelled(load_config_pvs(file)) == modelled(c));
    c.name = "renamed";
    save_config_pvs(file, c);
    CHECK(load_config_pvs(file).name == "renamed");
    for (auto& e : std::filesystem::directory_iterator(tmp.path()))
        CHECK(e.path().filename() == "config.pvs");  // no temp files left behind
}

TEST_CASE("config.pvs: every element we do not model survives an edit, in place") {
    const char* host_written = R"(<?xml version="1.0" encoding="UTF-8"?>
<VirtuozzoVirtualMachine schemaVersion="1.0" dyn_lists="VirtualAppliance 0">
  <AppVersion>7.0.200</AppVersion>
  <ValidRc>0</ValidRc>
  <VmType>0</VmType>
  <Identification dyn_lists="">
    <VmUuid>{6a1c7d0e-0f44-4b5b-8d0a-6a2e1f3b9c11}</VmUuid>
    <VmName>host-made</VmName>
    <ServerUuid>{9d3f1a52-7b6e-4d0c-a1f2-55e3c8d4b001}</ServerUuid>
    <VmCreationDate>2024-05-01 10:00:00</VmCreationDate>
  </Identification>
  <Security><Owner>root</Owner><AccessControlList><AccessControl><Name>admin</Name></AccessControl></AccessControlList></Security>
  <Settings>
    <General><OsType>9</OsType><OsNumber>2317</OsNumber><VmDescription>d</VmDescription><Profile>3</Profile></General>
    <Startup><AutoStart>1</AutoStart><BootingOrder><BootDevice id="0"><Index>0</Index><Type>5</Type></BootDevice></BootingOrder></Startup>
    <Runtime><ForegroundPriority>1</ForegroundPriority></Runtime>
  </Settings>
  <Hardware>
    <Cpu><Number>2</Number><Mode>1</Mode><EnableHotplug>true</EnableHotplug><CpuMask>0-3</CpuMask></Cpu>
    <Chipset><Type>2</Type><Version>1</Version></Chipset>
    <Memory><RAM>2048</RAM><EnableHotplug>false</EnableHotplug></Memory>
    <Video><Enabled>1</Enabled><VideoMemorySize>32</VideoMemorySize><EnableDirectXShaders>1</EnableDirectXShaders></Video>
    <Hdd id="0" dyn_lists="Partition 0"><Uuid>{11111111-2222-3333-4444-555555555555}</Uuid><Index>0</Index><Enabled>1</Enabled><Connected>1</Connected><EmulatedType>1</EmulatedType><SystemName>harddisk.hdd</SystemName><UserFriendlyName>harddisk.hdd</UserFriendlyName><InterfaceType>3</InterfaceType><StackIndex>0</StackIndex><DiskType>1</DiskType><Size>65536</Size><SerialNumber>ABC123</SerialNumber><IoLimit><Value>100</Value></IoLimit><DeviceDescription></DeviceDescription></Hdd>
    <NetworkAdapter id="0"><Index>0</Index><Enabled>1</Enabled><Connected>1</Connected><EmulatedType>2</EmulatedType><SystemName>eth0</SystemName><UserFriendlyName>eth0</UserFriendlyName><MAC>001C42F4E1A2</MAC><HostInterfaceName>veth42</HostInterfaceName><NetAddress>10.0.0.5/24</NetAddress><DeviceDescription></DeviceDescription></NetworkAdapter>
    <GenericDevice id="0"><Index>0</Index><SystemName>/dev/thing</SystemName></GenericDevice>
  </Hardware>
  <CtSettings><OsTemplate>centos-7</OsTemplate></CtSettings>
  <VirtualAppliance/>
</VirtuozzoVirtualMachine>
)";
    VmConfig c = from_config_pvs(host_written);
    c.name = "renamed";
    c.cpu_count = 4;
    c.hard_disks[0].size_mib = 131072;
    const std::string out = to_config_pvs(c);
    // What we changed, changed.
    CHECK(out.find("<VmName>renamed</VmName>") != std::string::npos);
    CHECK(out.find("<Number>4</Number>") != std::string::npos);
    CHECK(out.find("<Size>131072</Size>") != std::string::npos);
    // Everything else is still there, with its attributes.
    for (const char* kept :
         {"dyn_lists=\"VirtualAppliance 0\"", "<AppVersion>7.0.200</AppVersion>", "<ValidRc>0</ValidRc>",
          "<VmCreationDate>2024-05-01 10:00:00</VmCreationDate>", "<Owner>root</Owner>", "<Name>admin</Name>",
          "<Profile>3</Profile>", "<AutoStart>1</AutoStart>", "<BootDevice id=\"0\">", "<ForegroundPriority>1",
          "<Mode>1</Mode>", "<EnableHotplug>true</EnableHotplug>", "<CpuMask>0-3</CpuMask>", "<Chipset>",
          "<EnableDirectXShaders>1", "dyn_lists=\"Partition 0\"", "<Uuid>{11111111-2222-3333-4444-555555555555}",
          "<SerialNumber>ABC123</SerialNumber>", "<IoLimit>", "<Value>100</Value>",
          "<HostInterfaceName>veth42</HostInterfaceName>", "<NetAddress>10.0.0.5/24</NetAddress>",
          "<GenericDevice id=\"0\">", "<SystemName>/dev/thing</SystemName>", "<OsTemplate>centos-7</OsTemplate>",
          "<VirtualAppliance/>"}) {
        INFO(kept);
        CHECK(out.find(kept) != std::string::npos);
    }
    // In place: the order of the host's elements is kept.
    CHECK(out.find("<AppVersion>") < out.find("<Identification"));
    CHECK(out.find("<Security>") < out.find("<Settings>"));
    CHECK(out.find("<Cpu>") < out.find("<Chipset>"));
    CHECK(out.find("<Chipset>") < out.find("<Memory>"));
    CHECK(out.find("<Hdd") < out.find("<NetworkAdapter"));
    CHECK(out.find("</Hardware>") < out.find("<CtSettings>"));
    // And it reads back to the same configuration.
    CHECK(from_config_pvs(out) == from_config_pvs(to_config_pvs(from_config_pvs(out))));
}

TEST_CASE("config.pvs: new elements go where the product puts them") {
    VmConfig c = make_default_config(2314);
    c.uuid = "{1f0c6a3e-2b4d-4c5e-9f10-aabbccddeeff}";
    c.name = "ordered";
    c.extra.name = "VirtuozzoVirtualMachine";
    c.extra.set_text_at("Hardware/Cpu/Mode", "1");
    c.extra.set_text_at("Hardware/Chipset/Type", "2");
    c.extra.set_text_at("Settings/Startup/AutoStart", "2");
    const std::string out = to_config_pvs(c);
    // Cpu: Number before Mode; Hardware: Cpu, Chipset, Memory, Video, then devices.
    CHECK(out.find("<Number>") < out.find("<Mode>"));
    CHECK(out.find("<Cpu>") < out.find("<Chipset>"));
    CHECK(out.find("<Chipset>") < out.find("<Memory>"));
    CHECK(out.find("<Memory>") < out.find("<Video>"));
    CHECK(out.find("<Video>") < out.find("<CdRom"));
    // Root: AppVersion, VmType, Identification, Settings, Hardware.
    CHECK(out.find("<VmType>") < out.find("<Identification>"));
    CHECK(out.find("<Identification>") < out.find("<Settings>"));
    CHECK(out.find("<Settings>") < out.find("<Hardware>"));
    CHECK(out.find("<General>") < out.find("<Startup>"));
}
