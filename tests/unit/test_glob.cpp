// Unit tests for the glob matcher and --exclude semantics (component vs whole-path patterns, pruning).
#include "scanner/sources/glob.hpp"

#include <doctest/doctest.h>

using dtscan::EntryKind;
using dtscan::glob_match;
using dtscan::is_excluded;

TEST_CASE("glob: literals, * and ?") {
  CHECK(glob_match("abc", "abc"));
  CHECK_FALSE(glob_match("abc", "abd"));
  CHECK_FALSE(glob_match("abc", "abcd"));
  CHECK(glob_match("*.js", "app.min.js"));
  CHECK(glob_match("*", ".env"));
  CHECK(glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYY"));
  CHECK(glob_match("*a*a*b", "aaaaaaaaaaaaaaab"));
  CHECK_FALSE(glob_match("*a*a*b", "aaaaaaaaaaaaaaaa"));
  CHECK(glob_match("?.txt", "a.txt"));
  CHECK_FALSE(glob_match("?.txt", "ab.txt"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE("glob: * and ? never cross '/'") {
  CHECK_FALSE(glob_match("*.js", "dir/app.js"));
  CHECK(glob_match("*/*.js", "dir/app.js"));
  CHECK_FALSE(glob_match("a?b", "a/b"));
  CHECK(glob_match("src/*", "src/x"));
  CHECK_FALSE(glob_match("src/*", "src/x/y"));
}

TEST_CASE("glob: character classes and escapes") {
  CHECK(glob_match("[abc].txt", "b.txt"));
  CHECK_FALSE(glob_match("[abc].txt", "d.txt"));
  CHECK(glob_match("file[0-9]", "file7"));
  CHECK_FALSE(glob_match("file[0-9]", "filex"));
  CHECK(glob_match("[!a-c]x", "dx"));
  CHECK_FALSE(glob_match("[!a-c]x", "bx"));
  CHECK(glob_match("[^a-c]x", "dx"));
  CHECK(glob_match("[]]", "]"));
  CHECK(glob_match("[a-]", "-"));
  CHECK(glob_match("[", "["));     // unterminated class: literal '['
  CHECK(glob_match("a[b", "a[b")); // likewise
  CHECK(glob_match("\\*", "*"));
  CHECK_FALSE(glob_match("\\*", "x"));
  CHECK(glob_match("\\[a]", "[a]"));
  CHECK(glob_match("caf\xc3\xa9", "caf\xc3\xa9")); // bytes, not characters
  CHECK(glob_match("?\xff", "a\xff"));
}

TEST_CASE("glob: ** spans any number of components") {
  CHECK(glob_match("**", "a"));
  CHECK(glob_match("**", "a/b/c"));
  CHECK(glob_match("**/foo", "foo"));
  CHECK(glob_match("**/foo", "a/b/foo"));
  CHECK_FALSE(glob_match("**/foo", "a/xfoo"));
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/b"));
  CHECK(glob_match("a/**/b", "a/x/y/z/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/xb"));
  CHECK_FALSE(glob_match("a/**/b", "x/a/b"));
  CHECK(glob_match("a/**", "a/x"));
  CHECK(glob_match("a/**", "a/x/y"));
  CHECK_FALSE(glob_match("a/**", "a"));
  CHECK(glob_match("**/*.min.js", "lib/x/app.min.js"));
  CHECK(glob_match("a/**/**/b", "a/b"));
  CHECK(glob_match("a**b", "axyb")); // not a whole component: plain *
  CHECK_FALSE(glob_match("a**b", "ax/yb"));
}

TEST_CASE("glob: exclude patterns without '/' match any component") {
  std::vector<std::string> globs{"node_modules", "*.min.js"};
  CHECK(is_excluded(globs, "node_modules", EntryKind::directory));
  CHECK(is_excluded(globs, "a/b/node_modules/x/y.js"));
  CHECK(is_excluded(globs, "app.min.js"));
  CHECK(is_excluded(globs, "deep/er/app.min.js"));
  CHECK_FALSE(is_excluded(globs, "a/min.js"));
  CHECK_FALSE(is_excluded(globs, "node_modules_x/a.js"));
}

TEST_CASE("glob: exclude patterns with '/' match the whole relative path") {
  CHECK(is_excluded({"src/gen"}, "src/gen", EntryKind::directory));
  CHECK(is_excluded({"src/gen"}, "src/gen/a.c"));
  CHECK_FALSE(is_excluded({"src/gen"}, "x/src/gen/a.c"));
  CHECK(is_excluded({"/build"}, "build/out.txt"));
  CHECK_FALSE(is_excluded({"/build"}, "a/build/out.txt"));
  CHECK(is_excluded({"**/fixtures/*.json"}, "a/b/fixtures/t.json"));
  CHECK_FALSE(is_excluded({"**/fixtures/*.json"}, "a/b/fixtures/t.yaml"));
  CHECK(is_excluded({"./docs/*.md"}, "docs/a.md"));
}

TEST_CASE("glob: trailing '/' restricts an exclude to directories") {
  CHECK(is_excluded({"logs/"}, "logs", EntryKind::directory));
  CHECK(is_excluded({"logs/"}, "logs/today.txt"));
  CHECK(is_excluded({"logs/"}, "a/logs/today.txt"));
  CHECK_FALSE(is_excluded({"logs/"}, "logs", EntryKind::file));
  CHECK_FALSE(is_excluded({"logs/"}, "a/logs"));
  CHECK(is_excluded({"/out/"}, "out/x"));
  CHECK_FALSE(is_excluded({"/out/"}, "out"));
  CHECK_FALSE(is_excluded({}, "anything"));
}

TEST_CASE("glob: many ** (a hostile .dtscan.json) stay fast and exact") {
  std::string many;
  for (int i = 0; i < 40; ++i)
    many += "**/";
  std::string deep;
  for (int i = 0; i < 2000; ++i)
    deep += "d/";
  // Exponential before: every ** tried every split. Now pattern length × path length.
  CHECK_FALSE(glob_match(many + "z", deep + "y"));
  CHECK(glob_match(many + "z", deep + "z"));
  CHECK_FALSE(glob_match("**/d/**/d/**/d/**/d/**/x", deep + "y"));
  CHECK(glob_match("d/**", deep + "y"));
  CHECK(glob_match(many + "**", "a"));
}
