#include "storage.h"

#include "error.h"

namespace prl::backup {

namespace {

bool valid_component(std::string_view c) {
    if (c.empty() || c.size() > 200 || c.front() == '.') return false;
    for (char ch : c) {
        bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '.' ||
                  ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

bool valid_path(std::string_view name) {
    if (name.empty() || name.size() > 1024) return false;
    size_t start = 0;
    while (true) {
        size_t slash = name.find('/', start);
        std::string_view c = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (!valid_component(c)) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

}  // namespace

void check_object_name(std::string_view name) {
    if (!valid_path(name)) throw_error(Errc::invalid_argument, "not a storage object name: " + std::string(name.substr(0, 64)));
}

void check_directory_name(std::string_view directory) {
    if (!directory.empty()) check_object_name(directory);
}

std::string directory_of(std::string_view name) {
    size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(name.substr(0, slash));
}

std::string name_in(const std::string& directory, const std::string& name) {
    return directory.empty() ? name : directory + "/" + name;
}

std::string last_component(std::string_view name) {
    size_t slash = name.rfind('/');
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::vector<std::optional<std::string>> Storage::get_all(const std::string& directory,
                                                         const std::vector<std::string>& names, size_t max_bytes,
                                                         std::vector<ObjectInfo>* infos) {
    std::vector<std::optional<std::string>> out;
    out.reserve(names.size());
    if (infos) infos->assign(names.size(), ObjectInfo{});
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string name = name_in(directory, names[i]);
        // Stat first: a version that changes after it only costs a parse next time.
        std::optional<ObjectInfo> info = infos ? stat(name) : std::nullopt;
        out.push_back(infos && !info ? std::nullopt : get(name, max_bytes));
        if (infos && info) (*infos)[i] = ObjectInfo{names[i], false, info->size, info->version};
    }
    return out;
}

std::optional<std::string> Storage::get(const std::string& name, size_t max_bytes) {
    auto reader = open(name);
    if (!reader) return std::nullopt;
    uint64_t size = reader->size();
    if (size > max_bytes) throw_error(Errc::corrupted, name + ": larger than " + std::to_string(max_bytes) + " bytes");
    std::string data(size, '\0');
    if (reader->read_at(data.data(), data.size(), 0) != size) throw_error(Errc::corrupted, name + ": shorter than its size");
    return data;
}

}  // namespace prl::backup
