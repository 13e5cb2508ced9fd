// prl::Event / prl::EventParam: the model behind PHT_EVENT and PHT_EVENT_PARAMETER.
#include "core/event.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace prl;

TEST_CASE("parameter factories give the SDK type by the original's mapping", "[event]") {
    CHECK(EventParam::string("s", "x")->data_type() == PFD_STRING);
    CHECK(EventParam::int32("i", -1)->data_type() == PFD_INT32);
    CHECK(EventParam::uint32("u", 1)->data_type() == PFD_UINT32);
    CHECK(EventParam::int64("i", -1)->data_type() == PFD_INT64);
    CHECK(EventParam::uint64("u", 1)->data_type() == PFD_UINT64);
    CHECK(EventParam::boolean("b", true)->data_type() == PFD_BOOLEAN);
    CHECK(EventParam::boolean("b", true)->text() == "1");
    CHECK(EventParam::boolean("b", false)->text() == "0");
    CHECK(EventParam::binary("b", std::string("\0\1", 2))->data_type() == PFD_BINARY);
    CHECK(EventParam::binary("b", std::string("\0\1", 2))->data() == std::string("\0\1", 2));
    CHECK(EventParam::binary("b", "x")->text().empty());
    CHECK(EventParam::cdata("c", "<x/>")->data_type() == PFD_CDATA);
    CHECK(EventParam::uuid("u", "{1}")->data_type() == PFD_STRING);
    CHECK(EventParam::uuid("u", "{1}")->wire_type() == wire::Uuid);
    CHECK(EventParam::enumeration("e", 5)->data_type() == PFD_ENUMERATION);
    CHECK(EventParam::entity("e", Event::error(PRL_ERR_FAILURE, ""))->data_type() == PFD_ENTITY);
}

TEST_CASE("every wire type maps as in the original SDK", "[event]") {
    const PRL_PARAM_FIELD_DATA_TYPE want[] = {
        PFD_UINT32, PFD_STRING, PFD_INT32, PFD_CDATA, PFD_STRING, PFD_BOOLEAN, PFD_BOOLEAN,
        PFD_ENTITY, PFD_ENTITY, PFD_STRING, PFD_INT32, PFD_ENUMERATION, PFD_ENUMERATION, PFD_ENUMERATION,
        PFD_INT32, PFD_ENUMERATION, PFD_INT64, PFD_UINT64, PFD_UNKNOWN, PFD_UNKNOWN, PFD_UNKNOWN};
    for (int t = 0; t <= 20; ++t) CHECK(wire::sdk_type(t) == want[t]);
    CHECK(wire::sdk_type(-1) == PFD_UNKNOWN);
    CHECK(wire::sdk_type(1000) == PFD_UNKNOWN);
    for (auto t : {PFD_UINT32, PFD_STRING, PFD_INT32, PFD_CDATA, PFD_BOOLEAN, PFD_ENTITY, PFD_ENUMERATION,
                   PFD_INT64, PFD_UINT64, PFD_UNKNOWN})
        CHECK(wire::sdk_type(wire::from_sdk_type(t)) == t);
}

TEST_CASE("Event::param finds the first parameter with that name", "[event]") {
    EventData d;
    d.params = {EventParam::string("a", "1"), EventParam::string("b", "2"), EventParam::string("a", "3")};
    Event e(d);
    REQUIRE(e.param("a"));
    CHECK(e.param("a")->text() == "1");
    CHECK(!e.param("c"));
}

TEST_CASE("Event::replace publishes new data and keeps old references valid", "[event]") {
    EventData d;
    d.type = PET_DSP_EVT_VM_STARTED;
    d.issuer_id = "old";
    Event e(d);
    const EventData& before = e.data();
    std::thread reader([&] {
        for (int i = 0; i < 1000; ++i) {
            const EventData& now = e.data();
            CHECK((now.issuer_id == "old" || now.issuer_id.rfind("new", 0) == 0));
        }
    });
    for (int i = 0; i < 50; ++i) {
        EventData n;
        n.issuer_id = "new" + std::to_string(i);
        e.replace(n);
    }
    reader.join();
    CHECK(before.issuer_id == "old");
    CHECK(e.data().issuer_id == "new49");
}

TEST_CASE("Event::error carries the code and the text", "[event]") {
    auto e = Event::error(PRL_ERR_UNIMPLEMENTED, "nope");
    CHECK(e->type() == PHT_EVENT);
    CHECK(e->data().type == PET_DSP_EVT_ERROR_MESSAGE);
    CHECK(e->data().error_code == PRL_ERR_UNIMPLEMENTED);
    CHECK(e->data().error_text == "nope");
}
