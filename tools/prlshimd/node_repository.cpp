#include "node_repository.h"

#include "backup/directory_storage.h"
#include "backup/error.h"
#include "service/backups.h"
#include "service/store/state_root.h"

#ifdef PRLSHIM_HAVE_RADOS
#include "rados_storage.h"
#endif

namespace prl::prlshimd {

daemon::BackupStorageOpener node_repository(const std::string& spec, const std::filesystem::path& home) {
    if (spec.rfind("rados:", 0) == 0) {
#ifdef PRLSHIM_HAVE_RADOS
        backup::RadosTarget target;
        backup::parse_rados_uri(spec, target);
        std::shared_ptr<backup::Storage> pool = backup::connect_rados_storage(target);
        return [pool] { return pool; };
#else
        throw backup::Error(backup::Errc::invalid_argument, "this prlshimd was built without librados: no " + spec);
#endif
    }
    if (!spec.empty()) {
        const std::filesystem::path dir(spec);
        if (!dir.is_absolute())
            throw backup::Error(backup::Errc::invalid_argument, "--repository: an absolute path or rados:POOL");
        return [dir = dir.lexically_normal()] { return backup::open_directory_storage(dir); };
    }
    return [home] {
        return backup::open_directory_storage(service::default_backup_directory(service::StateRoot(home)));
    };
}

}  // namespace prl::prlshimd
