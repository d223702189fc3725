// Where a report goes: standard output, or a file written to a temporary name in the same directory and
// renamed into place only when the report is complete, so a failed run never leaves half a report and
// never clobbers the previous one. SIGINT, SIGTERM and SIGHUP remove the temporary file before ending
// the process. An existing target that is not a regular file (/dev/null, a FIFO) is written directly.
#pragma once

#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace dtscan {

class ReportOutput {
public:
  // Empty path: standard output. `what` names the file in error messages. Throws FatalError.
  explicit ReportOutput(const std::string& path, std::string_view what = "output");
  ~ReportOutput(); // removes the temporary file unless commit() succeeded
  ReportOutput(const ReportOutput&) = delete;
  ReportOutput& operator=(const ReportOutput&) = delete;

  std::ostream& stream() { return m_path.empty() ? std::cout : m_file; }
  bool is_terminal() const;
  void commit(); // flushes, renames into place; throws FatalError on a write error

private:
  std::string m_path;
  std::string m_what;
  std::string m_temp;
  std::ofstream m_file;
  bool m_committed = false;
  int m_signal_slot = -1; // where the signal handler finds m_temp
  int m_anon_fd = -1;     // O_TMPFILE: the report has no name until commit()
  std::string m_dir;
  bool m_direct = false; // writing straight into a device or FIFO
};

} // namespace dtscan
