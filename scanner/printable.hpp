// One-line display of untrusted bytes (file names, paths): control bytes become \xNN so that a file name
// with a newline cannot split a report line or a warning. Other bytes, valid UTF-8 or not, are kept.
#pragma once

#include <string>
#include <string_view>

namespace dtscan {

std::string printable(std::string_view bytes);

} // namespace dtscan
