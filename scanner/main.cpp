// dtscan's entry point: argv -> run() -> exit code. A FatalError is a one-line message and exit 2.
#include "scanner/app.hpp"
#include "scanner/error.hpp"
#include "scanner/message_redact.hpp"
#include "scanner/printable.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN); // a closed pipe becomes EPIPE, handled where output is written
  std::signal(SIGXFSZ, SIG_IGN); // a file size limit becomes EFBIG, a write error like any other
  // A crash must not leave the secrets of the files being scanned in a core file.
  const struct rlimit no_core { 0, 0 };
  ::setrlimit(RLIMIT_CORE, &no_core);
  // Blobs of up to --max-file-size are allocated and freed thousands of times in a history scan; served
  // from the heap and kept there, instead of fresh mmap()s, they do not page-fault every time (~10%).
  mallopt(M_MMAP_THRESHOLD, 128 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  std::ios::sync_with_stdio(false);
  try {
    return dtscan::run(dtscan::parse_command_line(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const dtscan::FatalError& e) {
    // One line whatever it quotes, and no secret even if the user passed a token as an argument.
    std::cerr << "dtscan: error: " << dtscan::redact_message(dtscan::printable(e.what())) << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "dtscan: error: " << dtscan::redact_message(dtscan::printable(e.what())) << '\n';
    return 2;
  }
}
