// audit --state's settings record: which options are settings (a changed one is named), and that a baseline
// is not one (each audit applies its own), including in a record made before that was so.
#include "scanner/audit_settings.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using dtscan::audit_settings;
using dtscan::differing_setting;
using dtscan::Options;

TEST_CASE("audit settings: the same options are the same settings") {
  Options o;
  o.excludes = {"vendor/**"};
  CHECK(differing_setting(audit_settings(o), audit_settings(o)) == "");
}

TEST_CASE("audit settings: a changed option is named") {
  Options a, b;
  b.excludes = {"*.env"};
  CHECK(differing_setting(audit_settings(a), audit_settings(b)) == "exclude");
  Options c;
  c.no_decode = true;
  CHECK(differing_setting(audit_settings(a), audit_settings(c)) == "no_decode");
  Options d;
  d.max_file_size = 1024;
  CHECK(differing_setting(audit_settings(a), audit_settings(d)) == "max_file_size");
}

TEST_CASE("audit settings: --baseline is not a setting") {
  Options a, b;
  b.baseline = "/nonexistent/baseline.json"; // not read: a baseline has no place in the record
  CHECK(differing_setting(audit_settings(a), audit_settings(b)) == "");
  CHECK(nlohmann::json::parse(audit_settings(b)).contains("baseline") == false);
}

TEST_CASE("audit settings: an older record's baseline digest is ignored, its other settings are not") {
  Options o;
  nlohmann::json old = nlohmann::json::parse(audit_settings(o));
  old["baseline"] = "0123abcd";
  CHECK(differing_setting(old.dump(), audit_settings(o)) == "");
  old["no_decode"] = true;
  CHECK(differing_setting(old.dump(), audit_settings(o)) == "no_decode");
}

TEST_CASE("audit settings: an unreadable record is reported as such") {
  CHECK(differing_setting("not json", audit_settings(Options{})) == "settings");
}
