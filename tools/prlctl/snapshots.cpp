// prlctl's snapshot actions: snapshot, snapshot-list (a table, a tree or one
// snapshot's details), snapshot-switch and snapshot-delete, worded and laid
// out as the product's prlctl prints them (docs/prlctl.md).
#include "commands.h"

#include "xml_reader.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

namespace prlctl {
namespace {

// One snapshot of the tree, and the nameless head the tree hangs from.
struct Snapshot {
    std::string id, name, date, state, description;
    bool current = false;
    bool shown = false;  // drawn already by print_tree
    Snapshot* parent = nullptr;
    std::vector<std::unique_ptr<Snapshot>> children;
};

using xml::attribute;
using xml::content;
using xml::element;

std::unique_ptr<Snapshot> read_item(const xmlNode* item, Snapshot* parent) {
    auto s = std::make_unique<Snapshot>();
    s->parent = parent;
    s->id = attribute(item, "guid");
    s->state = attribute(item, "state");
    s->current = attribute(item, "current") == "yes";
    for (const xmlNode* c = item->children; c; c = c->next) {
        if (element(c, "Name")) s->name = content(c);
        else if (element(c, "DateTime")) s->date = content(c);
        else if (element(c, "Description")) s->description = content(c);
        else if (element(c, "SavedStateItem")) s->children.push_back(read_item(c, s.get()));
    }
    return s;
}

// The head of the VirtuozzoSavedStates document; null when it has none.
std::unique_ptr<Snapshot> read_tree(const std::string& text) {
    const xml::Document doc = xml::parse(text);
    const xmlNode* root = xml::root(doc, "VirtuozzoSavedStates");
    if (!root) return nullptr;
    for (const xmlNode* c = root->children; c; c = c->next)
        if (element(c, "SavedStateItem")) return read_item(c, nullptr);
    return nullptr;
}

// Every snapshot below the head, parents before children, children in order.
void walk(Snapshot& node, std::vector<Snapshot*>& out) {
    for (auto& c : node.children) {
        out.push_back(c.get());
        walk(*c, out);
    }
}

std::vector<Snapshot*> all_of(Snapshot* head) {
    std::vector<Snapshot*> out;
    if (head) walk(*head, out);
    return out;
}

std::string tree_xml(const Vm& vm) {
    Handle job(PrlVm_GetSnapshotsTreeEx(vm.cfg, PGST_WITHOUT_SCREENSHOTS));
    std::string err;
    PRL_RESULT rc = wait(job, err);
    Handle result;
    if (!rc) rc = PrlJob_GetResult(job, result.out());
    if (rc) throw Error{-1, "Failed to get the snapshot tree: " + result_text(rc)};
    return text_of(PrlResult_GetParamAsString, result);
}

void print_list(Snapshot* head, bool header) {
    if (header) std::printf("PARENT_SNAPSHOT_ID                      SNAPSHOT_ID\n");
    for (Snapshot* s : all_of(head))
        std::printf("%38s %c%38s\n", s->parent->id.c_str(), s->current ? '*' : ' ', s->id.c_str());
}

// One line per leaf: its branch from the top, each snapshot drawn once;
// where a branch leaves a snapshot drawn earlier, "\" marks the fork and
// "|" carries a snapshot's later siblings down past it.
void print_tree(Snapshot* head) {
    for (Snapshot* leaf : all_of(head)) {
        if (!leaf->children.empty()) continue;
        std::string line;
        for (Snapshot* s = leaf; s && s != head; s = s->parent) {
            Snapshot* p = s->parent;
            std::string part;
            if (s->shown) {
                bool later_sibling = false;
                for (std::size_t i = 0; i + 1 < p->children.size(); ++i)
                    if (p->children[i].get() == s) later_sibling = true;
                if (later_sibling) part = "|";
                else if (p->shown) part = " ";
                part += std::string(s->id.size(), ' ');
            } else {
                if (p->shown) part = "\\";
                part += s->current ? "*" : "_";
                part += s->id;
                s->shown = true;
            }
            line.insert(0, part);
        }
        std::printf("%s\n", line.c_str());
    }
}

void print_info(Snapshot* head, const std::string& id) {
    for (Snapshot* s : all_of(head)) {
        if (s->id != id) continue;
        std::string out = "ID: " + s->id + "\nName: " + s->name + "\nDate: " + s->date + "\n";
        if (s->current) out += "Current: yes\n";
        out += "State: " + s->state + "\nDescription: " + s->description + "\n";
        std::printf("%s\n", out.c_str());
        return;
    }
}

// prlctl takes a snapshot id only in UUID form, braced or not; anything else
// leaves it unset.
std::string snapshot_id(const CommandLine& cl) {
    const std::string v = cl.get("id");
    const std::string braced = braced_uuid(v);
    if (braced.size() != 38 || braced.front() != '{' || braced.back() != '}') return "";
    for (std::size_t i = 1; i < 37; ++i) {
        const bool dash = i == 9 || i == 14 || i == 19 || i == 24;
        if (dash ? braced[i] != '-' : !std::isxdigit(static_cast<unsigned char>(braced[i]))) return "";
    }
    return braced;
}

int create(const Vm& vm, const CommandLine& cl) {
    say("Creating the snapshot...");
    Handle job(PrlVm_CreateSnapshot(vm.cfg, cl.get("name").c_str(), cl.get("description").c_str()));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(-1, "Failed to create the snapshot: " + result_text(rc));
    Handle result;
    std::string id;
    if (PRL_SUCCEEDED(PrlJob_GetResult(job, result.out()))) id = text_of(PrlResult_GetParamAsString, result);
    say("The snapshot with id " + id + " has been successfully created.");
    return 0;
}

int list_snapshots(const Vm& vm, const CommandLine& cl) {
    std::unique_ptr<Snapshot> head = read_tree(tree_xml(vm));
    const std::string id = snapshot_id(cl);
    if (cl.has("tree")) print_tree(head.get());
    else if (!id.empty()) print_info(head.get(), id);
    else print_list(head.get(), !cl.has("no-header"));
    std::fflush(stdout);
    return 0;
}

int switch_to(const Vm& vm, const CommandLine& cl) {
    std::string id = snapshot_id(cl);
    if (id.empty()) {  // no id: back to the current snapshot
        const std::unique_ptr<Snapshot> head = read_tree(tree_xml(vm));
        for (Snapshot* s : all_of(head.get()))
            if (s->current) id = s->id;
    }
    if (id.empty()) return report(-1, "No snapshot to revert to.");
    say("Switch to the snapshot " + id);
    Handle job(PrlVm_SwitchToSnapshotEx(vm.cfg, id.c_str(), cl.has("skip-resume") ? PSSF_SKIP_RESUME : 0));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to switch to snapshot: " + err);
    say(std::string("The ") + vm.kind() + " has been successfully switched.");
    return 0;
}

int remove(const Vm& vm, const CommandLine& cl) {
    const std::string id = snapshot_id(cl);
    if (id.empty()) return report(-1, "Snapshot id is not specified.");
    say("Delete the snapshot...");
    Handle job(PrlVm_DeleteSnapshot(vm.cfg, id.c_str(), cl.has("children") ? PRL_TRUE : PRL_FALSE));
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to delete snapshot: " + err);
    say("The snapshot has been successfully deleted.");
    return 0;
}

}  // namespace

int snapshot_action(PRL_HANDLE server, const CommandLine& cl) {
    const Vm vm = find_vm(server, cl.id);
    if (cl.action == "snapshot") return create(vm, cl);
    if (cl.action == "snapshot-list") return list_snapshots(vm, cl);
    if (cl.action == "snapshot-switch") return switch_to(vm, cl);
    return remove(vm, cl);
}

}  // namespace prlctl
