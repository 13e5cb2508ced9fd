// The product's way of reading an action's options, which the backup actions
// keep (their errors and their treatment of stray words depend on it): one
// word at a time, "-abc" as a cluster of letters, "--name=value", the first
// table entry with a name or letter winning, and an unknown word left in
// place for the caller to take or refuse.
#pragma once

#include "common.h"

#include <string>
#include <vector>

namespace prlctl {

class OptionScanner {
public:
    enum Kind { kEnd, kOption, kUnknown, kMissingValue };

    OptionScanner(int argc, char** argv, int first, const std::vector<OptionSpec>& specs);

    // The next item. kOption: option() and value() are set. kUnknown: the
    // word is still in place (take_word()). kMissingValue: message() says so.
    Kind next();
    const OptionSpec& option() const { return *option_; }
    const std::string& value() const { return value_; }
    const std::string& message() const { return message_; }
    // Consumes the current word; null past the end (the product then prints "(null)").
    const char* take_word();

private:
    const OptionSpec* find_long(const std::string& name) const;
    const OptionSpec* find_letter(char letter) const;

    int argc_;
    char** argv_;
    int pos_;
    const std::vector<OptionSpec>& specs_;
    const char* cluster_ = nullptr;  // the letter being read in "-abc"
    const OptionSpec* option_ = nullptr;
    std::string value_, message_;
};

// "(null)" for a missing word, as the product's printf shows it.
inline std::string word_or_null(const char* w) { return w ? w : "(null)"; }

}  // namespace prlctl
