#include "store/power_state.h"

#include <catch2/catch.hpp>

using namespace prl::service;
using S = VmState;
using C = PowerCommand;

namespace {
std::vector<S> seq(S from, C c) {
    auto p = plan_power_command(from, c);
    REQUIRE(p.allowed());
    return p.states;
}
std::string refusal(S from, C c) {
    auto p = plan_power_command(from, c);
    REQUIRE_FALSE(p.allowed());
    CHECK(p.states.empty());
    return *p.refusal;
}
}  // namespace

TEST_CASE("power: values match VIRTUAL_MACHINE_STATE") {
    CHECK(static_cast<int>(S::stopped) == 805306369);
    CHECK(static_cast<int>(S::running) == 805306372);
    CHECK(static_cast<int>(S::suspended) == 805306377);
    CHECK(static_cast<int>(S::mounted) == 805306387);
    CHECK(std::string(state_name(S::paused)) == "VMS_PAUSED");
    CHECK(state_from_int(805306373) == S::paused);
    CHECK_FALSE(state_from_int(42));
}

TEST_CASE("power: allowed transitions pass through the transitional states") {
    CHECK(seq(S::stopped, C::start) == std::vector<S>{S::starting, S::running});
    CHECK(seq(S::suspended, C::start) == std::vector<S>{S::resuming, S::running});
    CHECK(seq(S::paused, C::start) == std::vector<S>{S::continuing, S::running});
    CHECK(seq(S::running, C::stop) == std::vector<S>{S::stopping, S::stopped});
    CHECK(seq(S::paused, C::stop) == std::vector<S>{S::stopping, S::stopped});
    CHECK(seq(S::running, C::pause) == std::vector<S>{S::pausing, S::paused});
    CHECK(seq(S::paused, C::resume) == std::vector<S>{S::continuing, S::running});
    CHECK(seq(S::suspended, C::resume) == std::vector<S>{S::resuming, S::running});
    CHECK(seq(S::running, C::suspend) == std::vector<S>{S::suspending, S::suspended});
    CHECK(seq(S::paused, C::suspend) == std::vector<S>{S::suspending, S::suspended});
    CHECK(seq(S::running, C::reset) == std::vector<S>{S::resetting, S::running});
    CHECK(seq(S::paused, C::reset) == std::vector<S>{S::resetting, S::running});
    CHECK(seq(S::running, C::restart) == std::vector<S>{S::stopping, S::starting, S::running});
}

TEST_CASE("power: starting a running VM is an accepted no-op") {
    CHECK(seq(S::running, C::start).empty());
}

TEST_CASE("power: refusals carry the product's PRL_RESULT names") {
    CHECK(refusal(S::stopped, C::stop) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::suspended, C::stop) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::stopped, C::pause) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::paused, C::pause) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::stopped, C::reset) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::stopped, C::restart) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::paused, C::restart) == "PRL_ERR_DISP_VM_IS_NOT_STARTED");
    CHECK(refusal(S::stopped, C::resume) == "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED");
    CHECK(refusal(S::running, C::resume) == "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED");
    CHECK(refusal(S::stopped, C::suspend) == "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED");
    CHECK(refusal(S::suspended, C::suspend) == "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED");
}

TEST_CASE("power: every command is refused in a transitional state") {
    for (S s : {S::starting, S::stopping, S::pausing, S::continuing, S::suspending, S::resuming, S::resetting,
                S::unknown, S::migrating}) {
        for (C c : {C::start, C::stop, C::pause, C::resume, C::suspend, C::reset, C::restart}) {
            INFO(state_name(s) << " " << command_name(c));
            CHECK(refusal(s, c) == "PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED");
        }
    }
}

TEST_CASE("power: every allowed plan ends in a stable state and passes only known states") {
    for (S s : {S::stopped, S::running, S::paused, S::suspended}) {
        CHECK(is_stable(s));
        for (C c : {C::start, C::stop, C::pause, C::resume, C::suspend, C::reset, C::restart}) {
            auto p = plan_power_command(s, c);
            if (!p.allowed() || p.states.empty()) continue;
            CHECK(is_stable(p.states.back()));
            for (S mid : p.states) CHECK(state_name(mid) != nullptr);
        }
    }
}
