// The XML form of events and results (lib/core/event_xml, docs/event-xml.md).
#include "core/error.h"
#include "core/event_xml.h"

#include "platform/base64.h"

#include <catch2/catch.hpp>

#include <string>

using namespace prl;

namespace {

std::string all_bytes() {
    std::string s;
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
    return s;
}

EventPtr sample_event() {
    EventData d;
    d.type = PET_DSP_EVT_VM_QUESTION;
    d.level = 2;
    d.issuer_type = PIE_VIRTUAL_MACHINE;
    d.issuer_id = "{5d2b4b5e-0000-4000-8000-000000000001}";
    d.source = "source & <co>";
    d.request_id = "{5d2b4b5e-0000-4000-8000-000000000002}";
    d.event_id = 18446744073709551615ull;
    d.error_code = PRL_ERR_VM_START_FAILED;
    d.error_text = "could not start \"vm\"";
    d.can_be_ignored = true;
    d.answer_required = true;
    d.params.push_back(EventParam::string("s", "  spaced <&> \"quoted\" 'x'  "));
    d.params.push_back(EventParam::string("empty", ""));
    d.params.push_back(EventParam::int32("i32", -2147483647 - 1));
    d.params.push_back(EventParam::uint32("u32", 4294967295u));
    d.params.push_back(EventParam::int64("i64", -9223372036854775807ll - 1));
    d.params.push_back(EventParam::uint64("u64", 18446744073709551615ull));
    d.params.push_back(EventParam::boolean("b", true));
    d.params.push_back(EventParam::binary("bin", all_bytes()));
    d.params.push_back(EventParam::binary("bin_empty", ""));
    d.params.push_back(EventParam::cdata("cdata", "<x>]]></x>"));
    d.params.push_back(EventParam::uuid("uuid", "{00000000-0000-0000-0000-000000000000}"));
    d.params.push_back(EventParam::enumeration("enum", 3));
    d.params.push_back(EventParam::string("ctl", std::string("a\x01\x02z\xff\xfe", 6)));
    d.params.push_back(EventParam::string("utf8", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
    d.params.push_back(EventParam::string("crlf", "line1\r\nline2\ttab"));
    EventParam::Fields list;
    list.name = "list";
    list.wire_type = wire::String;
    list.is_list = true;
    list.items = {"one", "", "three"};
    d.params.push_back(std::make_shared<EventParam>(list));
    EventData inner;
    inner.type = PET_DSP_EVT_VM_STARTED;
    inner.issuer_id = "inner";
    inner.params.push_back(EventParam::uint32("n", 7));
    d.params.push_back(EventParam::entity("inner_event", std::make_shared<Event>(inner)));
    d.params.push_back(EventParam::entity(
        "inner_result", std::make_shared<Result>(std::vector<Result::Param>{std::string("r1"), std::string("r2")})));
    return std::make_shared<Event>(d);
}

void require_same(const EventParam& a, const EventParam& b);

void require_same(const EventData& a, const EventData& b) {
    CHECK(a.type == b.type);
    CHECK(a.level == b.level);
    CHECK(a.issuer_type == b.issuer_type);
    CHECK(a.issuer_id == b.issuer_id);
    CHECK(a.source == b.source);
    CHECK(a.request_id == b.request_id);
    CHECK(a.event_id == b.event_id);
    CHECK(a.error_code == b.error_code);
    CHECK(a.error_text == b.error_text);
    CHECK(a.can_be_ignored == b.can_be_ignored);
    CHECK(a.answer_required == b.answer_required);
    REQUIRE(a.params.size() == b.params.size());
    for (std::size_t i = 0; i < a.params.size(); ++i) require_same(*a.params[i], *b.params[i]);
}

void require_same(const EventParam& a, const EventParam& b) {
    INFO("parameter " << a.name());
    CHECK(a.name() == b.name());
    CHECK(a.data_type() == b.data_type());
    CHECK(a.wire_type() == b.wire_type());
    CHECK(a.is_binary() == b.is_binary());
    CHECK(a.text() == b.text());
    CHECK(a.data() == b.data());
    CHECK(a.is_list() == b.is_list());
    CHECK(a.items() == b.items());
    REQUIRE(bool(a.entity()) == bool(b.entity()));
    if (a.entity()) {
        REQUIRE(a.entity()->type() == b.entity()->type());
        if (a.entity()->type() == PHT_EVENT)
            require_same(static_cast<const Event&>(*a.entity()).data(), static_cast<const Event&>(*b.entity()).data());
        else
            CHECK(static_cast<const Result&>(*a.entity()).params() ==
                  static_cast<const Result&>(*b.entity()).params());
    }
}

PRL_RESULT code_of(std::string_view xml_text) {
    try {
        xml::event_from_xml(xml_text);
        return PRL_ERR_SUCCESS;
    } catch (const Error& e) {
        return e.code();
    }
}

const char* kProductXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<VirtuozzoEvent schemaVersion="1.0" >
	<EventType>100503</EventType>
	<EventLevel>0</EventLevel>
	<EventCode>-2147483644</EventCode>
	<EventNeedResponse>1</EventNeedResponse>
	<EventIssuerType>0</EventIssuerType>
	<EventIssuerId>{e2ec0d93-78c1-44a2-9f16-1fca32eeed7f}</EventIssuerId>
	<EventSource></EventSource>
	<EventInitialRequestId>{00000000-0000-0000-0000-000000000000}</EventInitialRequestId>
	<EventParameters>
		<EventParameter>
			<Name>vm_message_choice_0</Name>
			<Type>0</Type>
			<Value>2002</Value>
		</EventParameter>
		<EventParameter>
			<Name>vm_message_param_0</Name>
			<Type>1</Type>
			<Value>C:\Virtuozzo Virtual Machines\DOS\lpt.txt</Value>
		</EventParameter>
		<EventParameter>
			<Name>old_cdata</Name>
			<Type>3</Type>
			<Value>PARAM_VALUE</Value>
			<CData><![CDATA[<raw & text>]]></CData>
		</EventParameter>
		<EventParameter>
			<Name>vm_config</Name>
			<Type>7</Type>
			<Value>&lt;ParallelsVirtualMachine/&gt;</Value>
			<Data>PFBhcmFsbGVsc1ZpcnR1YWxNYWNoaW5lLz4=</Data>
		</EventParameter>
		<EventParameter>
			<Name>vminfo_vm_state</Name>
			<Type>11</Type>
			<Value>805306372</Value>
		</EventParameter>
	</EventParameters>
	<EventId>42</EventId>
</VirtuozzoEvent>
)";

}  // namespace

TEST_CASE("an event round-trips through XML without loss", "[xml]") {
    EventPtr e = sample_event();
    const std::string text = xml::to_xml(*e);
    EventData back = xml::event_from_xml(text);
    require_same(e->data(), back);
    // And writing it again gives the same document.
    CHECK(xml::to_xml(Event(back)) == text);
}

TEST_CASE("events are written as the product's CVmEvent", "[xml]") {
    EventData d;
    d.type = PET_DSP_EVT_VM_STARTED;
    d.error_code = PRL_ERR_SUCCESS;
    d.params.push_back(EventParam::uint32("vminfo_vm_state", 805306372));
    const std::string text = xml::to_xml(Event(d));
    CHECK(text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
    CHECK(text.find("<ParallelsEvent schemaVersion=\"1.0\">") != std::string::npos);
    // Child elements in the product's order.
    std::size_t at = 0;
    for (const char* tag : {"<EventType>100007</EventType>", "<EventLevel>", "<EventCode>0</EventCode>",
                            "<EventNeedResponse>0</EventNeedResponse>", "<EventIssuerType>1</EventIssuerType>",
                            "<EventIssuerId></EventIssuerId>", "<EventSource></EventSource>",
                            "<EventInitialRequestId></EventInitialRequestId>", "<EventParameters>",
                            "<EventParameter>", "<Name>vminfo_vm_state</Name>", "<Type>0</Type>",
                            "<Value>805306372</Value>", "</EventParameters>", "<EventId>0</EventId>"}) {
        INFO(tag << " in\n" << text);
        const std::size_t next = text.find(tag, at);
        REQUIRE(next != std::string::npos);
        at = next;
    }
    // Nothing of prlshim's own when it has nothing to say.
    CHECK(text.find("ErrorText") == std::string::npos);
    CHECK(text.find("CanBeIgnored") == std::string::npos);
}

TEST_CASE("XML written by the product is read", "[xml]") {
    EventData d = xml::event_from_xml(kProductXml);
    CHECK(d.type == PET_DSP_EVT_VM_QUESTION);
    CHECK(d.error_code == PRL_ERR_INVALID_HANDLE);
    CHECK(d.answer_required);
    CHECK(d.issuer_type == PIE_VIRTUAL_MACHINE);
    CHECK(d.issuer_id == "{e2ec0d93-78c1-44a2-9f16-1fca32eeed7f}");
    CHECK(d.request_id == "{00000000-0000-0000-0000-000000000000}");
    CHECK(d.event_id == 42);
    REQUIRE(d.params.size() == 5);
    CHECK(d.params[0]->name() == "vm_message_choice_0");
    CHECK(d.params[0]->data_type() == PFD_UINT32);
    CHECK(d.params[0]->text() == "2002");
    CHECK(d.params[1]->text() == "C:\\Virtuozzo Virtual Machines\\DOS\\lpt.txt");
    CHECK(d.params[2]->data_type() == PFD_CDATA);
    CHECK(d.params[2]->data() == "<raw & text>");
    CHECK(d.params[3]->data_type() == PFD_ENTITY);
    CHECK(d.params[3]->text() == "<ParallelsVirtualMachine/>");
    CHECK(d.params[3]->data() == "<ParallelsVirtualMachine/>");
    CHECK(!d.params[3]->entity());
    CHECK(d.params[4]->data_type() == PFD_ENUMERATION);
}

TEST_CASE("the legacy root name, attributes as fields and missing fields", "[xml]") {
    EventData d = xml::event_from_xml(
        "<ParallelsEvent EventType='100008' EventCode='4294967295'><EventIssuerId>x</EventIssuerId></ParallelsEvent>");
    CHECK(d.type == PET_DSP_EVT_VM_STOPPED);
    CHECK(d.error_code == -1);
    CHECK(d.issuer_id == "x");
    CHECK(d.issuer_type == PIE_VIRTUAL_MACHINE);  // the product's default
    CHECK(d.params.empty());
    EventData e = xml::event_from_xml("<ParallelsEvent/>");
    CHECK(e.type == PET_VM_INF_UNINITIALIZED_EVENT_CODE);
    CHECK(e.error_code == PRL_ERR_SUCCESS);
}

TEST_CASE("a 1 MiB value round-trips", "[xml]") {
    EventData d;
    d.params.push_back(EventParam::string("big", std::string(1u << 20, 'x')));
    d.params.push_back(EventParam::binary("bigbin", std::string(1u << 20, '\0')));
    EventData back = xml::event_from_xml(xml::to_xml(Event(d)));
    REQUIRE(back.params.size() == 2);
    CHECK(back.params[0]->text().size() == (1u << 20));
    CHECK(back.params[1]->data() == std::string(1u << 20, '\0'));
}

TEST_CASE("hostile documents are refused with PRL_ERR_INVALID_ARG", "[xml]") {
    const std::string bomb = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ParallelsEvent><EventSource>&lol4;</EventSource></ParallelsEvent>)";
    CHECK(code_of(bomb) == PRL_ERR_INVALID_ARG);
    CHECK(code_of(R"(<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ParallelsEvent><EventSource>&x;</EventSource></ParallelsEvent>)") == PRL_ERR_INVALID_ARG);
    CHECK(code_of(R"(<!DOCTYPE ParallelsEvent SYSTEM "http://127.0.0.1:1/x.dtd"><ParallelsEvent/>)") ==
          PRL_ERR_INVALID_ARG);
    CHECK(code_of(R"(<!DOCTYPE ParallelsEvent><ParallelsEvent/>)") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventSource>&undefined;</EventSource></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of(R"(<ParallelsEvent xmlns:xi="http://www.w3.org/2001/XInclude"><EventSource><xi:include href="/etc/passwd" parse="text"/></EventSource></ParallelsEvent>)") ==
          PRL_ERR_SUCCESS);  // XInclude is never processed: the element is just ignored
    std::string deep = "<ParallelsEvent>";
    for (int i = 0; i < 40; ++i) deep += "<a>";
    for (int i = 0; i < 40; ++i) deep += "</a>";
    deep += "</ParallelsEvent>";
    CHECK(code_of(deep) == PRL_ERR_INVALID_ARG);
    std::string very_deep(100000, '<');  // libxml2 stops long before; still a clean refusal
    CHECK(code_of(very_deep) == PRL_ERR_INVALID_ARG);
    std::string huge = "<ParallelsEvent><EventSource>" + std::string(xml::kMaxInputSize, 'x') + "</EventSource></ParallelsEvent>";
    CHECK(code_of(huge) == PRL_ERR_INVALID_ARG);
    CHECK(code_of("") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("   ") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<VmEvent/>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventType>abc</EventType></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventType>99999999999</EventType></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventId>-1</EventId></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventSource>\xff\xfe</EventSource></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventParameters><EventParameter><Name>b</Name><Data>!!!!</Data>"
                  "</EventParameter></EventParameters></ParallelsEvent>") == PRL_ERR_INVALID_ARG);
    CHECK(code_of("<ParallelsEvent><EventSource encoding='base64'>@@</EventSource></ParallelsEvent>") ==
          PRL_ERR_INVALID_ARG);
}

TEST_CASE("objects nested too deeply in parameters are refused", "[xml]") {
    EventPtr e = std::make_shared<Event>(EventData{});
    for (int i = 0; i < xml::kMaxNesting + 2; ++i) {
        EventData d;
        d.params.push_back(EventParam::entity("inner", e));
        e = std::make_shared<Event>(d);
    }
    // Writing stops nesting at the limit (the innermost object is left out) ...
    const std::string text = xml::to_xml(*e);
    EventData back = xml::event_from_xml(text);
    int levels = 0;
    for (const EventData* d = &back; !d->params.empty() && d->params[0]->entity(); ++levels)
        d = &static_cast<const Event&>(*d->params[0]->entity()).data();
    CHECK(levels == xml::kMaxNesting);
    // ... and reading a hand-made document nested deeper than the limit fails.
    std::string doc = "<ParallelsEvent/>";
    auto escape = [](const std::string& s) {
        std::string o;
        for (char c : s) {
            if (c == '<') o += "&lt;";
            else if (c == '&') o += "&amp;";
            else if (c == '>') o += "&gt;";
            else o += c;
        }
        return o;
    };
    for (int i = 0; i < xml::kMaxNesting + 1; ++i)
        doc = "<ParallelsEvent><EventParameters><EventParameter handleType='" + std::to_string(PHT_EVENT) +
              "'><Name>n</Name><Type>7</Type><Value>" + escape(doc) + "</Value></EventParameter></EventParameters></ParallelsEvent>";
    CHECK(code_of(doc) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("results round-trip: strings and events in order", "[xml]") {
    auto ev = Event::error(PRL_ERR_FAILURE, "inner");
    Result r(std::vector<Result::Param>{std::string("first"), ObjectPtr(ev), std::string(""),
                                        std::string("<BackupTree/>")});
    const std::string text = xml::to_xml(r);
    CHECK(text.find("ws_response_cmd_standard_param") != std::string::npos);
    auto back = xml::result_from_xml(text);
    REQUIRE(back.size() == 4);
    CHECK(std::get<std::string>(back[0]) == "first");
    auto obj = std::get<ObjectPtr>(back[1]);
    REQUIRE(obj);
    REQUIRE(obj->type() == PHT_EVENT);
    CHECK(static_cast<Event&>(*obj).data().error_text == "inner");
    CHECK(std::get<std::string>(back[2]).empty());
    CHECK(std::get<std::string>(back[3]) == "<BackupTree/>");
    CHECK(xml::to_xml(Result(back)) == text);
}

TEST_CASE("object_to_xml writes events and results only", "[xml]") {
    CHECK(xml::serialisable(Event(EventData{})));
    CHECK(xml::serialisable(Result()));
    EventParam p("x", PFD_STRING, "");
    CHECK(!xml::serialisable(p));
    try {
        xml::object_to_xml(p);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.code() == PRL_ERR_UNIMPLEMENTED);
    }
}

TEST_CASE("base64", "[xml]") {
    CHECK(prl::platform::base64_encode("") == "");
    CHECK(prl::platform::base64_encode("f") == "Zg==");
    CHECK(prl::platform::base64_encode("fo") == "Zm8=");
    CHECK(prl::platform::base64_encode("foo") == "Zm9v");
    std::string out;
    CHECK(prl::platform::base64_decode("Zm9v", out));
    CHECK(out == "foo");
    CHECK(prl::platform::base64_decode(" Zm\n8= ", out));
    CHECK(out == "fo");
    CHECK(prl::platform::base64_decode("Zg==", out));
    CHECK(out == "f");
    CHECK(prl::platform::base64_decode("", out));
    CHECK(out.empty());
    CHECK(!prl::platform::base64_decode("Zg=", out));
    CHECK(!prl::platform::base64_decode("Z=g=", out));
    CHECK(!prl::platform::base64_decode("Zm9v!!!!", out));
    CHECK(prl::platform::base64_decode(prl::platform::base64_encode(all_bytes()), out));
    CHECK(out == all_bytes());
}
