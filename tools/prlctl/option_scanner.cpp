#include "option_scanner.h"

#include <cstring>

namespace prlctl {

OptionScanner::OptionScanner(int argc, char** argv, int first, const std::vector<OptionSpec>& specs)
    : argc_(argc), argv_(argv), pos_(first), specs_(specs) {}

const OptionSpec* OptionScanner::find_long(const std::string& name) const {
    for (const auto& s : specs_)
        if (name == s.name) return &s;
    return nullptr;
}

const OptionSpec* OptionScanner::find_letter(char letter) const {
    if (!letter) return nullptr;
    for (const auto& s : specs_)
        if (s.letter == letter) return &s;
    return nullptr;
}

const char* OptionScanner::take_word() {
    cluster_ = nullptr;
    return pos_ < argc_ ? argv_[pos_++] : nullptr;
}

OptionScanner::Kind OptionScanner::next() {
    if (pos_ >= argc_) return kEnd;
    const char* word = argv_[pos_];
    const OptionSpec* spec = nullptr;
    const char* inline_value = nullptr;  // "--name=value"
    if (cluster_ && cluster_[1]) {
        spec = find_letter(*++cluster_);
    } else {
        cluster_ = nullptr;
        if (word[0] != '-' || !word[1]) return kUnknown;
        if (word[1] == '-') {
            std::string name = word + 2;
            const auto eq = name.find('=');
            if (eq != std::string::npos) {
                name.resize(eq);
                inline_value = std::strchr(word, '=') + 1;
            }
            spec = find_long(name);
        } else {
            spec = find_letter(word[1]);
            if (spec && word[2]) cluster_ = word + 1;
        }
    }
    if (!spec) return kUnknown;
    option_ = spec;
    value_.clear();
    if (!spec->value) {
        if (!cluster_ || !cluster_[1]) {
            cluster_ = nullptr;
            ++pos_;
        }
        return kOption;
    }
    if (cluster_ && cluster_[1]) {  // "-sVALUE"
        value_ = cluster_ + 1;
    } else if (inline_value) {
        value_ = inline_value;
    } else if (pos_ + 1 >= argc_) {
        // The product names the word, or the letter when it ended a cluster.
        message_ = std::string("The `") + (cluster_ ? cluster_ : word) + "' option requires an argument.";
        cluster_ = nullptr;
        return kMissingValue;
    } else {
        value_ = argv_[++pos_];
    }
    cluster_ = nullptr;
    ++pos_;
    return kOption;
}

}  // namespace prlctl
