// dtscan-fake: expands fake-token templates (scanner/fake_tokens.hpp) from a file, stdin or a whole tree,
// so tests and the benchmark materialise token-shaped inputs at run time instead of committing them.
#include "scanner/error.hpp"
#include "scanner/fake_tokens.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using dtscan::FatalError;

namespace {

constexpr const char* k_usage = "usage: dtscan-fake [--seed S] [FILE] | dtscan-fake [--seed S] --tree SRC_DIR DST_DIR";

struct Options {
  std::string seed = "dtscan";
  bool help = false;
  std::optional<std::string> input;                  // single-file mode; stdin when absent
  std::optional<std::pair<fs::path, fs::path>> tree; // tree mode: source and destination
};

Options parse_args(int argc, char** argv) {
  Options opts;
  std::vector<std::string> positional;
  bool tree = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seed") {
      if (++i == argc) throw FatalError("--seed needs a value");
      opts.seed = argv[i];
    } else if (arg == "--tree") {
      tree = true;
    } else if (arg == "-h" || arg == "--help") {
      opts.help = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw FatalError("unknown option " + arg + "; " + k_usage);
    } else {
      positional.push_back(arg);
    }
  }
  if (tree) {
    if (positional.size() != 2) throw FatalError(std::string("--tree needs SRC_DIR and DST_DIR; ") + k_usage);
    opts.tree.emplace(positional[0], positional[1]);
  } else if (positional.size() > 1) {
    throw FatalError(std::string("at most one FILE; ") + k_usage);
  } else if (positional.size() == 1 && positional[0] != "-") {
    opts.input = positional[0];
  }
  return opts;
}

std::string read_all(std::istream& in, const std::string& name) {
  std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw FatalError("cannot read " + name);
  return data;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FatalError("cannot open " + path.string());
  return read_all(in, path.string());
}

void write_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(data.data(), std::streamsize(data.size())) || !out.flush())
    throw FatalError("cannot write " + path.string());
}

std::string expand_named(const std::string& text, const std::string& seed, const std::string& name) {
  try {
    return dtscan::expand_fake_tokens(text, seed);
  } catch (const FatalError& e) {
    throw FatalError(name + ": " + e.what());
  }
}

// Seeds per file (seed + "/" + relative path) so that a file's tokens do not depend on its neighbours.
void expand_tree(const fs::path& src, const fs::path& dst, const std::string& seed) {
  if (!fs::is_directory(src)) throw FatalError(src.string() + " is not a directory");
  fs::create_directories(dst);
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    fs::path rel = entry.path().lexically_relative(src);
    fs::path out = dst / rel;
    if (entry.is_symlink()) {
      fs::remove(out);
      fs::copy_symlink(entry.path(), out);
    } else if (entry.is_directory()) {
      fs::create_directories(out);
    } else if (entry.is_regular_file()) {
      std::string text = read_file(entry.path());
      write_file(out, expand_named(text, seed + "/" + rel.generic_string(), entry.path().string()));
      fs::permissions(out, entry.status().permissions() | fs::perms::owner_write, fs::perm_options::replace);
    }
  }
}

void expand_stream(const Options& opts) {
  std::string text;
  if (opts.input) {
    text = read_file(*opts.input);
  } else {
    text = read_all(std::cin, "stdin");
  }
  std::string out = expand_named(text, opts.seed, opts.input.value_or("stdin"));
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0)
    throw FatalError("cannot write stdout");
}

} // namespace

int main(int argc, char** argv) {
  try {
    Options opts = parse_args(argc, argv);
    if (opts.help)
      std::cout << k_usage << '\n';
    else if (opts.tree)
      expand_tree(opts.tree->first, opts.tree->second, opts.seed);
    else
      expand_stream(opts);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "dtscan-fake: " << e.what() << '\n';
    return 2;
  }
}
