// Unit tests for .gitignore parsing and matching: comments, negation, anchoring, dir-only, nesting.
#include "scanner/sources/gitignore.hpp"

#include <doctest/doctest.h>

#include <memory>

using dtscan::EntryKind;
using dtscan::Gitignore;
using dtscan::GitignoreChain;

namespace {

GitignoreChain rules(std::string_view text, std::string base = "", GitignoreChain parent = nullptr) {
  return std::make_shared<const Gitignore>(text, std::move(base), std::move(parent));
}

constexpr auto dir = EntryKind::directory;
constexpr auto file = EntryKind::file;

} // namespace

TEST_CASE("gitignore: comments, blank lines and trailing blanks") {
  auto r = rules("# a comment\n\n   \n*.log   \n\\#hash\n\\!bang\nspace\\ \r\n");
  CHECK(r->is_ignored("x.log", file));
  CHECK_FALSE(r->is_ignored("# a comment", file));
  CHECK(r->is_ignored("#hash", file));
  CHECK(r->is_ignored("!bang", file));
  CHECK(r->is_ignored("space ", file));
  CHECK_FALSE(r->is_ignored("space", file));
  CHECK(rules("# only\n\n")->empty());
}

TEST_CASE("gitignore: a pattern without '/' matches a name at any depth") {
  auto r = rules("*.log\nbuild\n");
  CHECK(r->is_ignored("a.log", file));
  CHECK(r->is_ignored("deep/dir/a.log", file));
  CHECK(r->is_ignored("x/build", dir));
  CHECK(r->is_ignored("x/build", file));
  CHECK_FALSE(r->is_ignored("a.txt", file));
}

TEST_CASE("gitignore: negation, last match wins") {
  auto r = rules("*.log\n!keep.log\n");
  CHECK(r->is_ignored("drop.log", file));
  CHECK_FALSE(r->is_ignored("keep.log", file));
  CHECK_FALSE(r->is_ignored("sub/keep.log", file));
  auto reversed = rules("!keep.log\n*.log\n");
  CHECK(reversed->is_ignored("keep.log", file));
}

TEST_CASE("gitignore: leading or inner '/' anchors to the file's directory") {
  auto r = rules("/top.txt\ndocs/*.md\n");
  CHECK(r->is_ignored("top.txt", file));
  CHECK_FALSE(r->is_ignored("sub/top.txt", file));
  CHECK(r->is_ignored("docs/a.md", file));
  CHECK_FALSE(r->is_ignored("x/docs/a.md", file));
  CHECK_FALSE(r->is_ignored("docs/sub/a.md", file));
}

TEST_CASE("gitignore: trailing '/' matches directories only") {
  auto r = rules("cache/\n");
  CHECK(r->is_ignored("cache", dir));
  CHECK(r->is_ignored("a/cache", dir));
  CHECK_FALSE(r->is_ignored("cache", file));
  auto anchored = rules("/out/\n");
  CHECK(anchored->is_ignored("out", dir));
  CHECK_FALSE(anchored->is_ignored("a/out", dir));
}

TEST_CASE("gitignore: ** patterns") {
  auto r = rules("**/tmp\nlogs/**\na/**/z.txt\n");
  CHECK(r->is_ignored("tmp", dir));
  CHECK(r->is_ignored("x/y/tmp", file));
  CHECK(r->is_ignored("logs/a", file));
  CHECK(r->is_ignored("logs/a/b", file));
  CHECK_FALSE(r->is_ignored("logs", dir));
  CHECK(r->is_ignored("a/z.txt", file));
  CHECK(r->is_ignored("a/b/c/z.txt", file));
  CHECK_FALSE(r->is_ignored("b/a/z.txt", file));
}

TEST_CASE("gitignore: nested files apply relative to their directory and override parents") {
  auto root = rules("*.env\n/secret.txt\n");
  auto sub = rules("!local.env\n/only-here\n", "pkg/sub", root);
  CHECK(sub->is_ignored("pkg/sub/prod.env", file));        // parent pattern applies to children
  CHECK_FALSE(sub->is_ignored("pkg/sub/local.env", file)); // child negation wins
  CHECK(sub->is_ignored("pkg/sub/only-here", file));       // anchored at pkg/sub
  CHECK_FALSE(sub->is_ignored("pkg/sub/x/only-here", file));
  CHECK_FALSE(sub->is_ignored("pkg/sub/secret.txt", file)); // root anchor is the root only
  CHECK(sub->is_ignored("secret.txt", file));
  CHECK_FALSE(sub->is_ignored("pkg/subx/only-here", file)); // outside the child's base
}
