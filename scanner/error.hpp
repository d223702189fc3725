// The one exception type of dtscan: usage and start-up errors (bad option, malformed rule file,
// unwritable output). main() catches it, prints its one-line message and exits 2. Per-file problems are
// never exceptions: they are returned values that become warnings and counts.
#pragma once

#include <stdexcept>
#include <string>

namespace dtscan {

struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace dtscan
