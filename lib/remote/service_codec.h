// The Service's values as prlshimd's records (record.h): what a call's
// arguments and answers carry. Both ends use these, so a field is named once.
// decode_* throw service::Error(corrupt) on a record that does not hold one.
#pragma once
#include "record.h"

#include "service/service.h"

#include <string>
#include <vector>

namespace prl::remote {

Record encode(const service::HostFacts& facts);
service::HostFacts decode_host_facts(const Record& r);

Record encode(const service::VmEntry& entry);
service::VmEntry decode_vm_entry(const Record& r);
std::string encode_list(const std::vector<service::VmEntry>& entries);
std::vector<service::VmEntry> decode_vm_entries(const std::string& text);

Record encode(const service::VmRecord& record);
service::VmRecord decode_vm_record(const Record& r);

// A configuration travels as its config.pvs text.
std::string encode(const service::VmConfig& config);
service::VmConfig decode_vm_config(const std::string& text);

Record encode(const service::RegisterOptions& options);
service::RegisterOptions decode_register_options(const Record& r);

Record encode(const service::CloneRequest& request);
service::CloneRequest decode_clone_request(const Record& r);

// Where backups are, as fields of `r` (a call's, a request's).
void add_place(Record& r, const service::BackupPlace& place);
service::BackupPlace decode_place(const Record& r);

Record encode(const service::BackupRequest& request);
service::BackupRequest decode_backup_request(const Record& r);

Record encode(const service::RestoreRequest& request);
service::RestoreRequest decode_restore_request(const Record& r);

Record encode(const service::RestoreOutcome& outcome);
service::RestoreOutcome decode_restore_outcome(const Record& r);

Record encode(const backup::VmEntry& entry);
backup::VmEntry decode_backup_vm(const Record& r);

service::VmState decode_vm_state(std::int64_t value);

std::string encode(const service::XmlTree& tree);
service::XmlTree decode_xml_tree(const std::string& text);

Record encode(const service::DispSection& section);
service::DispSection decode_disp_section(const Record& r);

}  // namespace prl::remote
