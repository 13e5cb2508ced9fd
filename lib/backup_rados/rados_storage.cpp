#include "rados_storage.h"

#include "backup/error.h"
#include "backup/platform_io.h"

#include <rados/librados.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace prl::backup {

namespace {

// Object names never hold ':', so this prefix cannot meet an object's name.
const char* const kDirectoryPrefix = "dir:";
const char* const kGenerationXattr = "prlshim.gen";
const char* const kPending = "p";
const char* const kDirectory = "d";
constexpr size_t kChunkBytes = 4u << 20;  // appended per operation

// Who holds a lock, in its cookie: this boot of this host, the process and
// its start time (so a reused pid is not taken for the holder), and a random
// part. A waiter on the same host whose holder has died breaks the lock at
// once; a holder elsewhere loses it when its lease lapses.
std::string boot_id() {
    static const std::string id = [] {
        std::string text;
        if (std::FILE* f = std::fopen("/proc/sys/kernel/random/boot_id", "r")) {
            char buf[64] = {};
            if (std::fgets(buf, sizeof buf, f)) text = buf;
            std::fclose(f);
        }
        std::string out;
        for (char c : text)
            if (std::isxdigit(static_cast<unsigned char>(c))) out += c;
        return out.empty() ? std::string("unknown") : out;
    }();
    return id;
}

// The start time of process `pid` (clock ticks since boot), 0 when it is gone.
unsigned long long start_time_of(long pid) {
    std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (!f) return 0;
    char buf[1024] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    std::string stat(buf, n);
    size_t paren = stat.rfind(')');  // the command name may hold anything
    if (paren == std::string::npos) return 0;
    std::istringstream in(stat.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 22 && in >> field; ++i)
        if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
    return 0;
}

// Not cached: a forked child is another holder.
std::string holder_cookie() {
    const long pid = ::getpid();
    return boot_id() + "." + std::to_string(pid) + "." + std::to_string(start_time_of(pid)) + "." + random_hex(4);
}

// True when `cookie` names a holder on this host that no longer runs.
bool holder_is_dead(const std::string& cookie) {
    std::istringstream in(cookie);
    std::string boot, pid, start;
    if (!std::getline(in, boot, '.') || !std::getline(in, pid, '.') || !std::getline(in, start, '.')) return false;
    if (boot != boot_id()) return false;
    const long p = std::strtol(pid.c_str(), nullptr, 10);
    if (p <= 0) return false;
    return start_time_of(p) != std::strtoull(start.c_str(), nullptr, 10);
}

[[noreturn]] void fail(int negative_errno, const std::string& what) {
    int err = -negative_errno;
    if (err == ENOENT) throw_error(Errc::not_found, what + ": " + std::strerror(err));
    throw_errno(err, what);
}

std::string directory_object(const std::string& directory) { return kDirectoryPrefix + directory; }

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

struct WriteOp {
    rados_write_op_t op = rados_create_write_op();
    ~WriteOp() { rados_release_write_op(op); }
    int operate(rados_ioctx_t io, const std::string& oid) { return rados_write_op_operate(op, io, oid.c_str(), nullptr, 0); }
};

struct ReadOp {
    rados_read_op_t op = rados_create_read_op();
    ~ReadOp() { rados_release_read_op(op); }
    int operate(rados_ioctx_t io, const std::string& oid) { return rados_read_op_operate(op, io, oid.c_str(), 0); }
};

// The committed state of an object: its generation and size, or none.
struct Sealed {
    bool exists = false;
    uint64_t generation = 0;
    uint64_t size = 0;
};

class Connection {
public:
    explicit Connection(const RadosTarget& t)
        : pool_(t.name_space.empty() ? t.pool : t.pool + "/" + t.name_space), lease_(t.lock_lease) {
        if (lease_ < std::chrono::seconds(1)) throw_error(Errc::invalid_argument, "a lock lease of less than a second");
        const char* id = t.client_id.empty() ? nullptr : t.client_id.c_str();
        check(rados_create(&cluster_, id), "rados_create");
        // An unreachable cluster fails a node's start in 30 s, not librados's
        // 300 (a ceph.conf may still say otherwise).
        check(rados_conf_set(cluster_, "client_mount_timeout", "30"), "client_mount_timeout");
        check(rados_conf_read_file(cluster_, t.conf_file.empty() ? nullptr : t.conf_file.c_str()),
              "reading the Ceph configuration" + (t.conf_file.empty() ? std::string() : " " + t.conf_file));
        check(rados_conf_parse_env(cluster_, nullptr), "CEPH_ARGS");
        check(rados_connect(cluster_), "connecting to the Ceph cluster");
        connected_ = true;
        int r = rados_ioctx_create(cluster_, t.pool.c_str(), &io_);
        if (r < 0) fail(r, "RADOS pool " + pool_);
        rados_ioctx_set_namespace(io_, t.name_space.c_str());
    }
    ~Connection() {
        if (io_) rados_ioctx_destroy(io_);
        if (cluster_) rados_shutdown(cluster_);
    }
    rados_ioctx_t io() const { return io_; }
    const std::string& pool() const { return pool_; }
    std::string fsid() const {
        char buf[64] = {};
        if (rados_cluster_fsid(cluster_, buf, sizeof buf - 1) < 0) return "";
        return buf;
    }
    std::chrono::seconds lease() const { return lease_; }

private:
    void check(int r, const std::string& what) {
        if (r < 0) {
            if (cluster_ && !connected_) rados_shutdown(cluster_);
            cluster_ = nullptr;
            throw_error(Errc::io_error, what + ": " + std::strerror(-r));
        }
    }
    std::string pool_;
    std::chrono::seconds lease_;
    rados_t cluster_ = nullptr;
    rados_ioctx_t io_ = nullptr;
    bool connected_ = false;
};

class RadosStorage;

class RadosReader final : public ObjectReader {
public:
    RadosReader(rados_ioctx_t io, std::string name, Sealed s) : io_(io), name_(std::move(name)), sealed_(s) {
        generation_ = hex64(s.generation);
    }
    uint64_t size() const override { return sealed_.size; }
    size_t read_at(void* buf, size_t n, uint64_t offset) override {
        if (n == 0 || offset >= sealed_.size) return 0;
        n = static_cast<size_t>(std::min<uint64_t>(n, sealed_.size - offset));
        ReadOp op;
        // The generation must still be the one opened: a replaced object fails.
        rados_read_op_cmpxattr(op.op, kGenerationXattr, LIBRADOS_CMPXATTR_OP_EQ, generation_.data(), generation_.size());
        size_t got = 0;
        int prval = 0;
        rados_read_op_read(op.op, offset, n, static_cast<char*>(buf), &got, &prval);
        int r = op.operate(io_, name_);
        if (r == -ECANCELED || r == -ENOENT) throw_error(Errc::corrupted, name_ + ": replaced or removed while read");
        if (r < 0) fail(r, "reading " + name_);
        if (prval < 0) fail(prval, "reading " + name_);
        return got;
    }

private:
    rados_ioctx_t io_;
    std::string name_;
    Sealed sealed_;
    std::string generation_;
};

// A cls_lock held under a lease, renewed by a thread of its own. Renewal
// asks RADOS to renew only a lock still held (MUST_RENEW): success proves
// nobody took it meanwhile, refusal that somebody may have. check() renews
// at once, so a commit knows its lock is held as it makes its element
// visible; when the cluster cannot say, the lock counts as held only while
// its last renewal is recent (a third of the lease or less overdue).
class RadosLock final : public StorageLock {
public:
    using Clock = std::chrono::steady_clock;
    // `taken_at`: when the request that took it was sent.
    RadosLock(rados_ioctx_t io, std::string oid, std::string cookie, LockMode mode, std::chrono::seconds lease,
              Clock::time_point taken_at)
        : io_(io),
          oid_(std::move(oid)),
          cookie_(std::move(cookie)),
          mode_(mode),
          lease_(lease),
          valid_until_(taken_at + lease),
          renewer_([this] { renew_loop(); }) {}
    ~RadosLock() override {
        {
            std::lock_guard<std::mutex> g(m_);
            stop_ = true;
        }
        cv_.notify_all();
        renewer_.join();
        rados_unlock(io_, oid_.c_str(), "prlshim", cookie_.c_str());
    }
    // 0, -EBUSY (held by another), or another error.
    static int take(rados_ioctx_t io, const std::string& oid, const std::string& cookie, LockMode mode,
                    std::chrono::seconds lease, uint8_t flags) {
        struct timeval t {static_cast<time_t>(lease.count()), 0};
        if (mode == LockMode::exclusive)
            return rados_lock_exclusive(io, oid.c_str(), "prlshim", cookie.c_str(), "", &t, flags);
        return rados_lock_shared(io, oid.c_str(), "prlshim", cookie.c_str(), "", "", &t, flags);
    }

    void check() const override {
        renew();
        std::lock_guard<std::mutex> g(m_);
        if (lost_) throw Error(Errc::locked, "the lock on " + oid_ + " was lost: another holder may have taken it");
        if (Clock::now() >= valid_until_ - lease_ / 3)
            throw Error(Errc::locked, "the lock on " + oid_ + " could not be renewed in time");
    }

private:
    // One renewal; false when it could not be made (the cluster unreachable).
    bool renew() const {
        const Clock::time_point sent = Clock::now();
        const int r = take(io_, oid_, cookie_, mode_, lease_, LIBRADOS_LOCK_FLAG_MUST_RENEW);
        std::lock_guard<std::mutex> g(m_);
        if (r == 0) {
            valid_until_ = std::max(valid_until_, sent + lease_);
        } else if (r == -ENOENT || r == -EBUSY) {
            lost_ = true;  // broken, or lapsed and taken: it stays lost
        }
        return r == 0 || lost_;
    }
    void renew_loop() {
        const Clock::duration every = std::max<Clock::duration>(lease_ / 3, std::chrono::milliseconds(100));
        Clock::duration wait = every;
        std::unique_lock<std::mutex> g(m_);
        while (!lost_ && !cv_.wait_for(g, wait, [this] { return stop_; })) {
            g.unlock();
            wait = renew() ? every : std::min<Clock::duration>(every, std::chrono::seconds(1));  // soon again
            g.lock();
        }
    }
    rados_ioctx_t io_;
    std::string oid_;
    std::string cookie_;
    LockMode mode_;
    std::chrono::seconds lease_;
    mutable std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false;
    mutable bool lost_ = false;              // under m_
    mutable Clock::time_point valid_until_;  // under m_
    std::thread renewer_;
};

class RadosStorage final : public Storage {
public:
    explicit RadosStorage(const RadosTarget& t) : conn_(t) {}

    rados_ioctx_t io() const { return conn_.io(); }
    std::string describe() const override { return "rados:" + conn_.pool(); }
    // The same pool name on another cluster is another repository.
    std::string identity() const override {
        const std::string fsid = conn_.fsid();
        if (fsid.empty()) return "rados, unshared:" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
        return "rados:" + fsid + ":" + conn_.pool();
    }

    std::unique_ptr<ObjectWriter> create(const std::string& name) override;

    void put(const std::string& name, std::string_view data, bool /*durable: always*/) override {
        check_object_name(name);
        register_entry(name, kPending, true);
        uint64_t gen = random_u64();
        std::string g = hex64(gen);
        WriteOp op;
        rados_write_op_write_full(op.op, data.data(), data.size());
        rados_write_op_setxattr(op.op, kGenerationXattr, g.data(), g.size());
        int r = op.operate(io(), name);
        if (r < 0) {
            settle(name);
            fail(r, "writing " + name);
        }
        register_entry(name, committed_value(gen, data.size()), false);
    }

    bool put_exclusive(const std::string& name, std::string_view data) override {
        check_object_name(name);
        register_entry(name, kPending, true);
        uint64_t gen = random_u64();
        std::string g = hex64(gen);
        WriteOp op;
        rados_write_op_create(op.op, LIBRADOS_CREATE_EXCLUSIVE, nullptr);
        rados_write_op_write_full(op.op, data.data(), data.size());
        rados_write_op_setxattr(op.op, kGenerationXattr, g.data(), g.size());
        int r = op.operate(io(), name);
        if (r == -EEXIST) {
            settle(name);  // restore the listing entry of the object that was there
            return false;
        }
        if (r < 0) {
            settle(name);
            fail(r, "committing " + name);
        }
        register_entry(name, committed_value(gen, data.size()), false);
        return true;
    }

    std::unique_ptr<ObjectReader> open(const std::string& name) override {
        check_object_name(name);
        Sealed s = read_sealed(name);
        if (!s.exists) return nullptr;
        return std::make_unique<RadosReader>(io(), name, s);
    }

    std::optional<ObjectInfo> stat(const std::string& name) override {
        check_object_name(name);
        Sealed s = read_sealed(name);
        if (!s.exists) return std::nullopt;
        return ObjectInfo{name, false, s.size, {s.generation, 0}};
    }

    std::vector<ObjectInfo> list(const std::string& directory) override {
        check_directory_name(directory);
        std::vector<ObjectInfo> out;
        std::string after;
        const std::string oid = directory_object(directory);
        for (;;) {
            bool more = false;
            std::string last;
            read_index_page(oid, after, [&](const std::string& key, const std::string& value) {
                last = key;
                if (value == kDirectory) {
                    out.push_back(ObjectInfo{key, true, 0, {}});
                } else if (value == kPending) {
                    // A write or remove in progress, or one that died.
                    Sealed s = read_sealed(name_in(directory, key));
                    if (s.exists) out.push_back(ObjectInfo{key, false, s.size, {s.generation, 0}});
                } else {
                    unsigned long long gen = 0, size = 0;
                    if (std::sscanf(value.c_str(), "o %16llx %llu", &gen, &size) != 2)
                        throw_error(Errc::corrupted, "listing " + directory + ": bad entry for " + key);
                    out.push_back(ObjectInfo{key, false, size, {gen, 0}});
                }
            }, more);
            if (!more || last.empty()) break;
            after = last;
        }
        return out;  // omap keys come sorted
    }

    // One page of a directory's index after `after`, entry by entry.
    template <class F>
    void read_index_page(const std::string& oid, const std::string& after, F&& each, bool& more) {
        ReadOp op;
        rados_omap_iter_t it = nullptr;
        unsigned char more_flag = 0;
        int prval = 0;
        rados_read_op_omap_get_vals2(op.op, after.c_str(), "", 1000, &it, &more_flag, &prval);
        int r = op.operate(io(), oid);
        more = false;
        if (r == -ENOENT) return;
        if (r < 0 || prval < 0) fail(r < 0 ? r : prval, "listing " + oid);
        std::vector<std::pair<std::string, std::string>> page;
        for (;;) {
            char* k = nullptr;
            char* v = nullptr;
            size_t kl = 0;
            size_t vl = 0;
            if (rados_omap_get_next2(it, &k, &v, &kl, &vl) < 0 || !k) break;
            page.emplace_back(std::string(k, kl), std::string(v ? v : "", vl));
        }
        rados_omap_get_end(it);
        for (auto& [key, value] : page) each(key, value);
        more = more_flag != 0;
    }

    bool remove(const std::string& name, bool /*durable: always*/) override {
        check_object_name(name);
        uint64_t size = 0;
        time_t mtime = 0;
        int r = rados_stat(io(), name.c_str(), &size, &mtime);
        if (r == -ENOENT) {
            unregister_entry(name);  // no index object made for what never was
            return false;
        }
        register_entry(name, kPending, false);  // listings verify it until it is gone
        r = rados_remove(io(), name.c_str());
        if (r < 0 && r != -ENOENT) fail(r, "removing " + name);
        unregister_entry(name);
        return r == 0;
    }

    void remove_directory(const std::string& directory) override {
        check_object_name(directory);
        std::string oid = directory_object(directory);
        ReadOp op;
        rados_omap_iter_t it = nullptr;
        unsigned char more = 0;
        int prval = 0;
        rados_read_op_omap_get_keys2(op.op, "", 1, &it, &more, &prval);
        int r = op.operate(io(), oid);
        if (r == -ENOENT) {
            unregister_entry(directory);
            return;
        }
        if (r < 0) fail(r, "listing " + directory);
        bool empty = rados_omap_iter_size(it) == 0;
        rados_omap_get_end(it);
        if (!empty) return;
        unregister_entry(directory);
        r = rados_remove(io(), oid.c_str());
        if (r < 0 && r != -ENOENT) fail(r, "removing directory " + directory);
    }

    void remove_unfinished(const std::string& directory) override {
        check_directory_name(directory);
        std::string after;
        const std::string oid = directory_object(directory);
        for (;;) {
            std::vector<std::string> pending;
            bool more = false;
            std::string last;
            read_index_page(oid, after, [&](const std::string& key, const std::string& value) {
                if (value == kPending) pending.push_back(key);
                last = key;
            }, more);
            for (const std::string& key : pending) {
                const std::string name = name_in(directory, key);
                if (!read_sealed(name).exists) rados_remove(io(), name.c_str());
                settle(name);
            }
            if (!more || last.empty()) break;
            after = last;
        }
    }

    std::unique_ptr<StorageLock> lock(const std::string& name, LockMode mode, bool wait) override {
        check_object_name(name);
        const std::string& oid = name;  // a marker object locked by its writer carries its own lock
        const std::string cookie = holder_cookie();
        auto delay = std::chrono::milliseconds(5);
        for (;;) {
            const auto sent = RadosLock::Clock::now();
            int r = RadosLock::take(io(), oid, cookie, mode, conn_.lease(), 0);
            if (r == 0) return std::make_unique<RadosLock>(io(), oid, cookie, mode, conn_.lease(), sent);
            if (r != -EBUSY) fail(r, "locking " + name);
            if (break_dead_holders(oid)) continue;
            if (!wait) return nullptr;
            std::this_thread::sleep_for(delay);
            delay = std::min(delay * 2, std::chrono::milliseconds(200));
        }
    }

    // Breaks the locks of holders on this host that died; true if it broke one.
    bool break_dead_holders(const std::string& oid) {
        int exclusive = 0;
        std::vector<char> tag(256), clients(4096), cookies(4096), addrs(4096);
        size_t tag_len = tag.size(), clients_len = clients.size(), cookies_len = cookies.size(), addrs_len = addrs.size();
        ssize_t n = rados_list_lockers(io(), oid.c_str(), "prlshim", &exclusive, tag.data(), &tag_len, clients.data(),
                                       &clients_len, cookies.data(), &cookies_len, addrs.data(), &addrs_len);
        if (n <= 0) return false;  // none (released meanwhile), or too many to read: wait
        bool broke = false;
        const char* client = clients.data();
        const char* cookie = cookies.data();
        for (ssize_t i = 0; i < n; ++i) {
            if (holder_is_dead(cookie)) broke |= rados_break_lock(io(), oid.c_str(), "prlshim", client, cookie) == 0;
            client += std::strlen(client) + 1;
            cookie += std::strlen(cookie) + 1;
        }
        return broke;
    }

    // The object's committed state (exists = has its generation).
    Sealed read_sealed(const std::string& name) {
        ReadOp op;
        uint64_t size = 0;
        time_t mtime = 0;
        int stat_rv = 0;
        int xattr_rv = 0;
        rados_xattrs_iter_t it = nullptr;
        rados_read_op_stat(op.op, &size, &mtime, &stat_rv);
        rados_read_op_getxattrs(op.op, &it, &xattr_rv);
        int r = op.operate(io(), name);
        Sealed s;
        if (r == -ENOENT) return s;
        if (r < 0) fail(r, "stat " + name);
        for (;;) {
            const char* k = nullptr;
            const char* v = nullptr;
            size_t vl = 0;
            if (rados_getxattrs_next(it, &k, &v, &vl) < 0 || !k) break;
            if (std::strcmp(k, kGenerationXattr) == 0 && vl == 16) {
                std::string value(v, vl);
                s.generation = std::strtoull(value.c_str(), nullptr, 16);
                s.exists = true;
            }
        }
        rados_getxattrs_end(it);
        s.size = size;
        return s;
    }

    static std::string committed_value(uint64_t gen, uint64_t size) {
        return "o " + hex64(gen) + " " + std::to_string(size);
    }

    // Names `name` in its directory's index (and, with parents, each
    // directory in its parent's), with `value`.
    void register_entry(const std::string& name, const std::string& value, bool parents) {
        set_key(directory_object(directory_of(name)), last_component(name), value);
        if (!parents) return;
        for (std::string d = directory_of(name); !d.empty(); d = directory_of(d))
            set_key(directory_object(directory_of(d)), last_component(d), kDirectory);
    }

    void unregister_entry(const std::string& name) {
        WriteOp op;
        std::string key = last_component(name);
        const char* keys[] = {key.c_str()};
        rados_write_op_omap_rm_keys(op.op, keys, 1);
        int r = op.operate(io(), directory_object(directory_of(name)));
        if (r < 0 && r != -ENOENT) fail(r, "unlisting " + name);
    }

    // Makes the listing entry of `name` say what is there now.
    void settle(const std::string& name) {
        Sealed s = read_sealed(name);
        if (s.exists)
            register_entry(name, committed_value(s.generation, s.size), false);
        else
            unregister_entry(name);
    }

private:
    void set_key(const std::string& oid, const std::string& key, const std::string& value) {
        WriteOp op;
        const char* keys[] = {key.c_str()};
        const char* vals[] = {value.data()};
        size_t lens[] = {value.size()};
        rados_write_op_omap_set(op.op, keys, vals, lens, 1);
        int r = op.operate(io(), oid);
        if (r < 0) fail(r, "listing " + key + " in " + oid);
    }

    Connection conn_;
};

// Written into its own (new) name: an object created exclusively by the
// first write, filled by appends or ranged writes, and sealed by the
// operation that sets its generation (with the last appended bytes). One
// that never outgrew a chunk is all one operation at commit.
class RadosWriter final : public ObjectWriter {
public:
    RadosWriter(RadosStorage& s, std::string name) : s_(s), name_(std::move(name)) {}
    ~RadosWriter() override {
        if (started_ && !committed_) {
            try {
                rados_remove(s_.io(), name_.c_str());
                s_.settle(name_);
            } catch (...) {
            }
        }
    }
    void append(const void* data, size_t n) override {
        buffer_.append(static_cast<const char*>(data), n);
        end_ += n;
        if (buffer_.size() >= kChunkBytes) {
            std::lock_guard<std::mutex> g(m_);
            write_op(false);
        }
    }
    void write_at(const void* data, size_t n, uint64_t offset) override {
        {
            std::lock_guard<std::mutex> g(m_);
            if (!started_) write_op(false);  // creates the object
            end_ = std::max<uint64_t>(end_, offset + n);
        }
        int r = rados_write(s_.io(), name_.c_str(), static_cast<const char*>(data), n, offset);
        if (r < 0) fail(r, "writing " + name_);
    }
    void write_at(const void* first, size_t first_n, const void* second, size_t second_n, uint64_t offset) override {
        {
            std::lock_guard<std::mutex> g(m_);
            if (!started_) write_op(false);
            end_ = std::max<uint64_t>(end_, offset + first_n + second_n);
        }
        WriteOp op;
        rados_write_op_write(op.op, static_cast<const char*>(first), first_n, offset);
        rados_write_op_write(op.op, static_cast<const char*>(second), second_n, offset + first_n);
        int r = op.operate(s_.io(), name_);
        if (r < 0) fail(r, "writing " + name_);
    }
    uint64_t size() const override {
        std::lock_guard<std::mutex> g(m_);
        return end_;
    }
    void resize(uint64_t size) override {
        std::lock_guard<std::mutex> g(m_);
        if (!started_) write_op(false);
        end_ = size;  // the sealing operation truncates to it
    }
    void sync() override {}  // RADOS acknowledges a write once it is durable
    void commit() override {
        std::lock_guard<std::mutex> g(m_);
        write_op(true);
        committed_ = true;
        s_.register_entry(name_, RadosStorage::committed_value(generation_, end_), false);
    }

private:
    // Writes the buffered bytes; the first call creates the object
    // exclusively (listing it as pending first), the final one seals it.
    void write_op(bool final) {
        if (!started_) s_.register_entry(name_, kPending, true);
        int r = operate(final);
        if (r == -EEXIST && !started_) {
            if (s_.read_sealed(name_).exists) {
                s_.settle(name_);
                throw_error(Errc::io_error, name_ + ": an object of that name exists");
            }
            rados_remove(s_.io(), name_.c_str());  // what a writer that died left
            r = operate(final);
        }
        if (r < 0) fail(r, "writing " + name_);
        started_ = true;
        buffer_.clear();
    }

    int operate(bool final) {
        WriteOp op;
        if (!started_) rados_write_op_create(op.op, LIBRADOS_CREATE_EXCLUSIVE, nullptr);
        if (!buffer_.empty()) rados_write_op_append(op.op, buffer_.data(), buffer_.size());
        std::string g = hex64(generation_);
        if (final) {
            // A hole at the end (ranged writes) still counts in the size.
            rados_write_op_truncate(op.op, end_);
            rados_write_op_setxattr(op.op, kGenerationXattr, g.data(), g.size());
        }
        return op.operate(s_.io(), name_);
    }

    RadosStorage& s_;
    std::string name_;
    uint64_t generation_ = random_u64();
    mutable std::mutex m_;
    std::string buffer_;
    uint64_t end_ = 0;
    bool started_ = false;
    bool committed_ = false;
};

std::unique_ptr<ObjectWriter> RadosStorage::create(const std::string& name) {
    check_object_name(name);
    return std::make_unique<RadosWriter>(*this, name);
}

}  // namespace

bool parse_rados_uri(const std::string& uri, RadosTarget& target) {
    const std::string scheme = "rados:";
    if (uri.compare(0, scheme.size(), scheme) != 0) return false;
    std::string rest = uri.substr(scheme.size());
    // A Ceph user of its own (client.ID, its key in the keyring ceph.conf names).
    const size_t at = rest.find('@');
    target.client_id.clear();
    if (at != std::string::npos) {
        target.client_id = rest.substr(0, at);
        rest.erase(0, at + 1);
        const bool id_ok = !target.client_id.empty() && target.client_id.size() <= 64 &&
                           std::all_of(target.client_id.begin(), target.client_id.end(), [](unsigned char c) {
                               return std::isalnum(c) || c == '.' || c == '_' || c == '-';
                           });
        if (!id_ok) throw_error(Errc::invalid_argument, "not a Ceph user name in " + uri.substr(0, 100));
    }
    size_t slash = rest.find('/');
    target.pool = rest.substr(0, slash);
    target.name_space = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    auto bad = [](const std::string& s) {
        if (s.size() > 200) return true;
        for (unsigned char c : s)
            if (c < 0x21 || c > 0x7e || c == '/' || c == '\\' || c == '@') return true;
        return false;
    };
    if (target.pool.empty() || bad(target.pool) || (slash != std::string::npos && (target.name_space.empty() || bad(target.name_space))))
        throw_error(Errc::invalid_argument,
                    "not a RADOS pool (rados:[USER@]POOL[/NAMESPACE]): " + uri.substr(0, 100));
    return true;
}

std::unique_ptr<Storage> connect_rados_storage(const RadosTarget& target) {
    return std::make_unique<RadosStorage>(target);
}

}  // namespace prl::backup
