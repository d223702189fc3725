// The unit of work of the git sources: one blob to scan, the path it is reported at and, in history
// mode, the commit that introduced it.
#pragma once

#include <git2/oid.h>

#include <functional>
#include <optional>
#include <string>

namespace dtscan {

struct BlobJob {
  git_oid oid{};
  std::string path;                  // relative to the repository root, '/' separators
  std::optional<std::string> commit; // 40 hex digits; unset for staged blobs
};

using BlobSink = std::function<void(BlobJob&&)>;

} // namespace dtscan
