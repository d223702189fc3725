// `dtscan rules --check`: runs every rule's examples and negative examples through the real matcher and
// classifier, so a rule file cannot claim what it does not do.
#pragma once

#include "scanner/rules.hpp"

#include <ostream>

namespace dtscan {

// Prints one line per failing example and a summary; returns the number of failures.
size_t check_rule_examples(const RuleSet& rules, std::ostream& out);

// `dtscan rules`: one line per rule.
void list_rules(const RuleSet& rules, std::ostream& out);

} // namespace dtscan
