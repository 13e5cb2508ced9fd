#include "state_doc.h"

#include "service/store/error.h"
#include "service/store/file_ops.h"
#include "service/store/state_root.h"

#include <mutex>

namespace prl::abi {
namespace {

std::mutex& doc_mutex() {
    static std::mutex m;
    return m;
}

constexpr std::size_t kMaxDocBytes = 1 << 20;

service::XmlTree load_locked(const std::string& file, const std::string& root_name) {
    const auto path = service::StateRoot::resolve_path() / file;
    std::string bytes;
    try {
        bytes = service::read_file_bounded(path, kMaxDocBytes);
    } catch (const service::Error& e) {
        if (e.code() != service::Errc::not_found) throw;
        service::XmlTree fresh;
        fresh.name = root_name;
        return fresh;
    }
    service::XmlTree tree = service::parse_tree(bytes, file);
    if (tree.name != root_name) throw service::Error(service::Errc::corrupt, file + ": unexpected root element");
    return tree;
}

}  // namespace

service::XmlTree load_state_doc(const std::string& file, const std::string& root_name) {
    std::lock_guard<std::mutex> lock(doc_mutex());
    return load_locked(file, root_name);
}

void edit_state_doc(const std::string& file, const std::string& root_name,
                    const std::function<void(service::XmlTree&)>& edit) {
    std::lock_guard<std::mutex> lock(doc_mutex());
    service::XmlTree tree = load_locked(file, root_name);
    edit(tree);
    const auto dir = service::StateRoot::resolve_path();
    service::make_directories(dir);
    service::write_file_atomic(dir / file, service::serialize_tree(tree));
}

}  // namespace prl::abi
