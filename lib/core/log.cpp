#include "log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include <sys/time.h>

namespace prl::log {
namespace {

struct Sink {
    std::mutex mutex;
    std::FILE* file = nullptr;
    std::atomic<bool> console{false};
    std::atomic<int> level{static_cast<int>(initial_level())};

    static Level initial_level() {
        const char* env = std::getenv("PRLSHIM_LOG_LEVEL");
        if (!env) return Level::warning;
        if (!std::strcmp(env, "error")) return Level::error;
        if (!std::strcmp(env, "info")) return Level::info;
        if (!std::strcmp(env, "debug")) return Level::debug;
        return Level::warning;
    }
};

Sink& sink() {
    static Sink* s = new Sink;  // usable from static destructors and any thread
    return *s;
}

const char* name(Level level) {
    switch (level) {
        case Level::error: return "error";
        case Level::warning: return "warning";
        case Level::info: return "info";
        case Level::debug: return "debug";
    }
    return "?";
}

}  // namespace

void write(Level level, const std::string& message) {
    Sink& s = sink();
    if (static_cast<int>(level) > s.level.load(std::memory_order_relaxed)) return;
    const bool console = s.console.load(std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!console && !s.file) return;
    timeval tv{};
    gettimeofday(&tv, nullptr);
    std::tm tm{};
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(tv.tv_usec / 1000));
    if (console) std::fprintf(stderr, "%s prlshim %s: %s\n", stamp, name(level), message.c_str());
    if (s.file) {
        std::fprintf(s.file, "%s %s: %s\n", stamp, name(level), message.c_str());
        std::fflush(s.file);
    }
}

void set_console(bool on) { sink().console.store(on, std::memory_order_relaxed); }

void set_level(Level level) { sink().level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool set_path(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "ae");
    if (!f) return false;
    Sink& s = sink();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.file) std::fclose(s.file);
    s.file = f;
    return true;
}

}  // namespace prl::log
