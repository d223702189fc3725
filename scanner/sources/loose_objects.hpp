// A check of a repository's loose objects before libgit2 reads them. libgit2 1.5 (Debian 12) loops
// forever inflating a truncated loose object (libgit2 #7342, fixed upstream in 2026) and writes out of
// bounds for one whose header claims fewer bytes than it holds (#7177): a corrupt repository in a bulk
// audit would hang or crash the whole run. Each loose object file is inflated here with zlib, and its
// header ("<type> <size>\0") checked against its length, so such a repository becomes a clear error.
#pragma once

#include <optional>
#include <string>

namespace dtscan {

// The first corrupt loose object under `objects_dir` (".../objects") as "<id>: <why>", or nullopt.
std::optional<std::string> find_corrupt_loose_object(const std::string& objects_dir);

} // namespace dtscan
