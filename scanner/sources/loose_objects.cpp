// Streaming inflate of each objects/xx/yyyy... file with a fixed buffer: memory does not depend on the
// size of an object.
#include "scanner/sources/loose_objects.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace dtscan {
namespace {

bool is_hex(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return s[n] == '\0';
}

// "" when the object is sound, else why not.
std::string check_object(int dir_fd, const char* name) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return fmt::format("cannot open: {}", std::strerror(errno));
  z_stream z{};
  if (inflateInit(&z) != Z_OK) {
    ::close(fd);
    return "zlib cannot start";
  }
  std::vector<unsigned char> in(64 * 1024), out(64 * 1024);
  std::string header; // up to the NUL
  bool header_done = false;
  unsigned long long declared = 0, body = 0;
  int rc = Z_OK;
  std::string why;
  while (rc != Z_STREAM_END && why.empty()) {
    if (z.avail_in == 0) {
      const ssize_t n = ::read(fd, in.data(), in.size());
      if (n < 0) {
        why = fmt::format("cannot read: {}", std::strerror(errno));
        break;
      }
      if (n == 0) {
        why = "truncated (the compressed stream ends early)";
        break;
      }
      z.next_in = in.data();
      z.avail_in = static_cast<uInt>(n);
    }
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      why = fmt::format("not a valid zlib stream ({})", z.msg ? z.msg : "error");
      break;
    }
    size_t produced = out.size() - z.avail_out;
    size_t i = 0;
    while (!header_done && i < produced) {
      const char c = static_cast<char>(out[i++]);
      if (c == '\0') {
        header_done = true;
        const char* sp = std::strchr(header.c_str(), ' ');
        if (!sp || sp[1] == '\0' || !std::all_of(sp + 1, header.c_str() + header.size(), ::isdigit)) {
          why = "bad object header";
          break;
        }
        declared = std::strtoull(sp + 1, nullptr, 10);
      } else if (header.size() > 64) {
        why = "bad object header";
        break;
      } else {
        header.push_back(c);
      }
    }
    if (header_done) body += produced - i;
    if (rc == Z_BUF_ERROR && z.avail_in != 0 && produced == 0) why = "inflate makes no progress";
  }
  inflateEnd(&z);
  ::close(fd);
  if (why.empty() && !header_done) why = "no object header";
  if (why.empty() && body != declared) why = fmt::format("its header says {} bytes, it holds {}", declared, body);
  return why;
}

} // namespace

std::optional<std::string> find_corrupt_loose_object(const std::string& objects_dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> top(::opendir(objects_dir.c_str()), ::closedir);
  if (!top) return std::nullopt; // no objects directory: libgit2 will say what is wrong
  std::vector<std::string> fanout;
  while (const dirent* e = ::readdir(top.get()))
    if (std::strlen(e->d_name) == 2 && is_hex(e->d_name, 2)) fanout.emplace_back(e->d_name);
  std::sort(fanout.begin(), fanout.end());
  for (const std::string& xx : fanout) {
    const int dir_fd = ::openat(::dirfd(top.get()), xx.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd < 0) continue;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(dir_fd), ::closedir);
    if (!dir) {
      ::close(dir_fd);
      continue;
    }
    while (const dirent* e = ::readdir(dir.get())) {
      if (std::strlen(e->d_name) != 38 || !is_hex(e->d_name, 38)) continue; // temporary files and the like
      const std::string why = check_object(::dirfd(dir.get()), e->d_name);
      if (!why.empty()) return fmt::format("{}{}: {}", xx, e->d_name, why);
    }
  }
  return std::nullopt;
}

} // namespace dtscan
