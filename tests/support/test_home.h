// A private state root for one test: sets PRLSHIM_HOME to a fresh temporary
// directory and removes it (recursively) when the test ends.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace prl::test {

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "prlshim-test-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

class TestHome : public TempDir {
public:
    TestHome() { setenv("PRLSHIM_HOME", path().c_str(), 1); }
    ~TestHome() { unsetenv("PRLSHIM_HOME"); }
};

}  // namespace prl::test
