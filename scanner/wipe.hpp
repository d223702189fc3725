// Best-effort removal of secret bytes from memory once a file's scan no longer needs them (issue 4):
// explicit_bzero is not optimised away like a memset before free would be.
#pragma once

#include <string.h>

#include <string>

namespace dtscan {

inline void wipe(std::string& s) {
  if (!s.empty()) ::explicit_bzero(s.data(), s.size());
  s.clear();
}

} // namespace dtscan
