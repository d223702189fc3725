// Fake-token templates: tests, rule examples and the benchmark commit `@@EXPR@@` placeholders, never a
// token-shaped string, and this expands them at run time (deterministically, from a seed).
#pragma once

#include <string>
#include <string_view>

namespace dtscan {

// Replaces every `@@EXPR@@` in `text`; text without `@@` comes back unchanged. The same text and seed
// always give the same output; each generator in one expansion draws fresh random characters.
//
//   dt0c01               dt0c01.<24 base32>.<64 base32>
//   tok:PREFIX:PUBLEN    PREFIX.<PUBLEN base32>.<64 base32>          e.g. tok:dt0s02:8
//   tok:PREFIX:ENVID     PREFIX.ENVID.<64 lowercase hex>             e.g. tok:dt0a01:abc12345
//   tenant:PREFIX        PREFIX.<24 [A-Za-z0-9]>                     e.g. tenant:dt0a02
//   b32:N hex:N alnum:N  N random base32 / lowercase hex / [A-Za-z0-9] characters
//   legacy:N             N of [A-Za-z0-9_-] with >= 2 digits, an upper- and a lower-case letter (N >= 4)
//   b64:EXPR             standard base64 (padded) of EXPR's value
//   pct:EXPR             percent-encoding of every byte outside A-Za-z0-9-._~ ; pctall:EXPR encodes all
//   upper:EXPR lower:EXPR
//   NAME=EXPR            outputs EXPR and remembers it (once per NAME); a bare NAME outputs it again
//   (empty)              `@@@@` outputs a literal `@@`; `@@` cannot otherwise appear in a template
//
// Random parts of tokens and legacy values never contain token, api, key, test, fake, example, dummy,
// sample or xxxx (any case), so a classifier never takes them for placeholders. An expression cannot span
// lines. Throws FatalError (one line, with the line number) on a malformed template.
std::string expand_fake_tokens(std::string_view text, std::string_view seed);

} // namespace dtscan
