#include "report.h"

#include <cstdio>

namespace prlctl {
namespace {

std::string escaped(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '\\': o += "\\\\"; break;
            case '"': o += "\\\""; break;
            case '\n': o += "\\n"; break;
            case '\t': o += "\\t"; break;
            case '\b': o += "\\b"; break;
            case '\f': o += "\\f"; break;
            case '\r': o += "\\r"; break;
            default: o += c;
        }
    }
    return o;
}

std::string two(unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

std::string uptime_text(unsigned long long s) {
    const unsigned long long days = s / 86400;
    std::string o;
    if (days) o = std::to_string(days) + " days ";
    return o + two(static_cast<unsigned>(s / 3600 % 24)) + ":" + two(static_cast<unsigned>(s / 60 % 60)) + ":" +
           two(static_cast<unsigned>(s % 60));
}

void Report::tabs() {
    for (int i = 0; i <= depth_; ++i) out_ << '\t';
}

void Report::key(const std::string& k) {
    if (!first_) out_ << ",\n";
    first_ = false;
    tabs();
    out_ << '"' << k << "\": ";
}

void Report::begin_object() {
    if (json_) out_ << "{\n";
}
void Report::end_object() {
    if (json_) out_ << "\n}\n";
}

void Report::host_device(const std::string& id, const std::string& name, const std::string& type) {
    if (json_) {
        section(id);
        str("name", name);
        str("type", type);
        end(false);
        return;
    }
    char buf[1024];
    std::snprintf(buf, sizeof buf, "%8s  %-40s '%s'", type.c_str(), name.c_str(), id.c_str());
    out_ << buf << '\n';
}

void Report::begin_list() {
    if (json_) out_ << "[\n";
}
void Report::end_list() {
    if (json_) out_ << "\n]\n";
}
void Report::begin_row() {
    if (!json_) return;
    if (!first_) out_ << ",\n";
    first_ = true;
    tabs();
    out_ << "{\n";
    ++depth_;
}
void Report::end_row() {
    if (json_)
        end(false);
    else
        out_ << '\n';
}

void Report::section(const std::string& k) {
    if (json_) {
        if (!first_) out_ << ",\n";
        first_ = true;
        tabs();
        out_ << '"' << k << "\": {\n";
    } else {
        out_ << k << ":\n";
    }
    ++depth_;
}

void Report::group(const std::string& k) {
    if (json_) return section(k);
    for (int i = 0; i < depth_; ++i) out_ << "  ";
    out_ << k << (depth_ == 0 ? ":" : "");
    ++depth_;
}

void Report::device(const std::string& k) {
    if (json_) return section(k);
    for (int i = 0; i < depth_; ++i) out_ << "  ";
    out_ << k;
    ++depth_;
}

void Report::switch_section(const std::string& k, bool on) {
    if (json_) {
        section(k);
        flag("enabled", on);
        return;
    }
    out_ << k << ": " << (on ? "(+)" : "(-)") << '\n';
    ++depth_;
}

void Report::end(bool inline_group) {
    --depth_;
    if (json_) {
        out_ << '\n';
        tabs();
        out_ << '}';
        first_ = false;
    } else if (inline_group) {
        out_ << '\n';
    }
}

void Report::str(const std::string& k, const std::string& v, bool in_group, Style style) {
    if (json_) {
        key(k);
        out_ << '"' << escaped(v) << '"';
        return;
    }
    if (in_group)
        out_ << (style == kHidden ? " " : " " + k + "=");
    else {
        for (int i = 0; i < depth_; ++i) out_ << "  ";
        out_ << k << ": ";
    }
    out_ << (style == kQuoted ? "'" + v + "'" : v);
    if (!in_group) out_ << '\n';
}

void Report::num(const std::string& k, long long v, const std::string& suffix, bool in_group, bool hide_key) {
    if (json_) {
        key(k);
        if (suffix.empty())
            out_ << v;
        else
            out_ << '"' << v << suffix << '"';
        return;
    }
    str(k, std::to_string(v) + suffix, in_group, hide_key ? kHidden : kPlain);
}

void Report::flag(const std::string& k, bool v) {
    if (json_) {
        key(k);
        out_ << (v ? "true" : "false");
    } else if (v) {
        out_ << ' ' << k;
    }
}

void Report::enabled(bool on) {
    if (json_)
        flag("enabled", on);
    else
        out_ << ' ' << (on ? "(+)" : "(-)");
}

void Report::uuid(const std::string& k, const std::string& braced) {
    if (json_ && braced.size() >= 2)
        str(k, braced.substr(1, braced.size() - 2));
    else
        str(k, braced);
}

void Report::uptime(const std::string& k, unsigned long long seconds, const std::string& since) {
    if (json_) {
        key(k);
        out_ << '"' << seconds << '"';
    } else {
        str(k, uptime_text(seconds) + " (since " + since + ")");
    }
}

void Report::cell(const std::string& k, const char* format, const std::string& value) {
    if (json_) return str(k, value);
    char buf[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    std::snprintf(buf, sizeof buf, format, value.c_str());  // formats come from the field table
#pragma GCC diagnostic pop
    out_ << buf;
}

}  // namespace prlctl
