#include "store/inventory.h"
#include "store/vm_config.h"
#include "store_test_util.h"
#include "test_home.h"

#include <chrono>

using namespace prl::service;

namespace {

std::string wrap(const std::string& prolog, const std::string& name_text) {
    return prolog + "<VirtuozzoVirtualMachine schemaVersion=\"1.0\"><Identification><VmName>" + name_text +
           "</VmName></Identification></VirtuozzoVirtualMachine>";
}

}  // namespace

TEST_CASE("xml: billion laughs is rejected quickly") {
    std::string dtd = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
    std::string prev = "lol";
    for (int i = 1; i <= 9; ++i) {
        std::string name = "lol" + std::to_string(i);
        dtd += "<!ENTITY " + name + " \"";
        for (int k = 0; k < 10; ++k) dtd += "&" + prev + ";";
        dtd += "\">";
        prev = name;
    }
    dtd += "]>";
    auto start = std::chrono::steady_clock::now();
    REQUIRE_ERRC(from_config_pvs(wrap(dtd, "&lol9;")), Errc::corrupt);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("xml: external entities are never loaded") {
    std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>";
    REQUIRE_ERRC(from_config_pvs(wrap(xxe, "&x;")), Errc::corrupt);
    std::string param = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>";
    REQUIRE_ERRC(from_config_pvs(wrap(param, "x")), Errc::corrupt);
    std::string external_dtd = "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\">";
    REQUIRE_ERRC(from_config_pvs(wrap(external_dtd, "x")), Errc::corrupt);
}

TEST_CASE("xml: undeclared entity references are malformed") {
    REQUIRE_ERRC(from_config_pvs(wrap("", "&passwd;")), Errc::corrupt);
}

TEST_CASE("xml: XInclude is not processed") {
    std::string doc = "<VirtuozzoVirtualMachine xmlns:xi=\"http://www.w3.org/2001/XInclude\"><Identification>"
                      "<VmName><xi:include href=\"/etc/passwd\" parse=\"text\"/></VmName>"
                      "</Identification></VirtuozzoVirtualMachine>";
    CHECK(from_config_pvs(doc).name.empty());
}

TEST_CASE("xml: oversized input is rejected before parsing") {
    std::string huge = wrap("", std::string(max_config_pvs_bytes, 'a'));
    REQUIRE_ERRC(from_config_pvs(huge), Errc::corrupt);
    prl::test::TempDir tmp;
    spit((tmp.path() / "config.pvs").string(), huge);
    REQUIRE_ERRC(load_config_pvs(tmp.path() / "config.pvs"), Errc::corrupt);
}

TEST_CASE("xml: deep nesting is rejected") {
    for (int depth : {100, 100000}) {
        std::string deep = "<VirtuozzoVirtualMachine>";
        for (int i = 0; i < depth; ++i) deep += "<a>";
        for (int i = 0; i < depth; ++i) deep += "</a>";
        deep += "</VirtuozzoVirtualMachine>";
        INFO(depth);
        REQUIRE_ERRC(from_config_pvs(deep), Errc::corrupt);
    }
}

TEST_CASE("xml: malformed and non-XML input gives a clean error") {
    for (std::string bad : {std::string(), std::string("   "), std::string("<VirtuozzoVirtualMachine>"),
                            std::string("<VirtuozzoVirtualMachine><VmName>x</Identification>"),
                            std::string("\x00\x01\x02garbage", 10), std::string("<a>\xff\xfe</a>"),
                            std::string("{\"json\": true}"), wrap("", "a\x01" "b")}) {
        INFO(bad);
        REQUIRE_ERRC(from_config_pvs(bad), Errc::corrupt);
    }
}

TEST_CASE("xml: a corrupt registry is reported and not overwritten") {
    prl::test::TestHome home;
    Inventory inv(StateRoot::open());
    spit((home.path() / "inventory.xml").string(), "<PrlshimInventory version=\"1\"><Entry>");
    REQUIRE_ERRC(inv.list(), Errc::corrupt);
    VmConfig c = make_default_config(2314, false);
    c.name = "x";
    REQUIRE_ERRC(inv.create(c), Errc::corrupt);
    CHECK(slurp((home.path() / "inventory.xml").string()) == "<PrlshimInventory version=\"1\"><Entry>");
    CHECK_FALSE(std::filesystem::exists(home.path() / "vms" / "x.pvm"));
}
