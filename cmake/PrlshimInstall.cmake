# Install rules: headers, libraries, pkg-config file and the CMake package (filled in by issue 2).
