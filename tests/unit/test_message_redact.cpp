// Messages that quote user input keep their shape but lose every secret: the scanner's own findings
// (tokens, legacy tokens in context, api-token= URLs) and anything dt0-shaped.
#include "scanner/fake_tokens.hpp"
#include "scanner/message_redact.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dtscan;

TEST_CASE("redact_message: secrets in messages become their redacted forms") {
  const std::string token = expand_fake_tokens("@@dt0c01@@", "msg-1");
  const std::string id = token.substr(0, token.rfind('.'));
  const std::string secret = token.substr(token.rfind('.') + 1);

  std::string m = redact_message("cannot scan '" + token + "': No such file or directory");
  CHECK(m == "cannot scan '" + id + ".****': No such file or directory");

  m = redact_message("cannot read baseline /tmp/" + token + ".json: No such file"); // not a finding of the rules
  CHECK(m.find(secret) == std::string::npos);
  CHECK(m.find(id + ".****") != std::string::npos);

  const std::string legacy = expand_fake_tokens("@@legacy:21@@", "msg-2");
  m = redact_message("warning: https://x.invalid/api?Api-Token=" + legacy + " in 'a'");
  CHECK(m.find(legacy) == std::string::npos);

  CHECK(redact_message("dtscan: warning: cannot read 'src/app.py': Permission denied") ==
        "dtscan: warning: cannot read 'src/app.py': Permission denied");
  CHECK(redact_message("") == "");
}
