// Lookup answers to verification results, and their effect on a finding (see outcome.hpp).
#include "scanner/verify/outcome.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace dtscan {
namespace {

std::optional<std::string> string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return std::nullopt;
}

void add_reason(Finding& f, std::string reason) {
  if (std::find(f.reasons.begin(), f.reasons.end(), reason) == f.reasons.end()) f.reasons.push_back(std::move(reason));
}

} // namespace

const std::vector<std::string_view>& dangerous_scopes() {
  static const std::vector<std::string_view> scopes{"apiTokens.write", "TenantTokenManagement", "settings.write",
                                                    "WriteConfig",     "DataPrivacy",           "CaptureRequestData",
                                                    "PluginUpload",    "extensions.write",      "InstallerDownload"};
  return scopes;
}

Verification interpret_answer(const HttpAnswer& answer, const std::string& environment) {
  Verification v;
  v.environment = environment;
  switch (answer.status) {
  case 200: {
    v.status = Verification::Status::active;
    nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
    if (!j.is_object()) {
      v.detail = "scopes-unknown";
      return v;
    }
    if (auto it = j.find("enabled"); it != j.end() && it->is_boolean() && !it->get<bool>()) {
      v.status = Verification::Status::inactive;
      v.detail = "disabled";
    }
    if (auto it = j.find("scopes"); it != j.end() && it->is_array()) {
      std::vector<std::string> scopes;
      for (const auto& s : *it)
        if (s.is_string()) scopes.push_back(s.get<std::string>());
      v.scopes = std::move(scopes);
    }
    v.expires = string_field(j, "expirationDate");
    v.owner = string_field(j, "owner");
    v.name = string_field(j, "name");
    return v;
  }
  case 403:
    v.status = Verification::Status::active;
    v.detail = "scopes-unknown";
    return v;
  case 401:
  case 404:
    v.status = Verification::Status::inactive;
    v.detail = "revoked-or-invalid";
    return v;
  case 429: v.detail = "rate-limited"; return v;
  case 0: v.detail = answer.error.empty() ? "transport" : answer.error; return v;
  default: v.detail = "http-" + std::to_string(answer.status); return v;
  }
}

void apply_verification(Finding& f, Verification v) {
  switch (v.status) {
  case Verification::Status::active:
    f.severity = Severity::critical;
    add_reason(f, "verified-active");
    if (v.scopes)
      for (std::string_view d : dangerous_scopes())
        if (std::find(v.scopes->begin(), v.scopes->end(), d) != v.scopes->end())
          add_reason(f, "dangerous-scope:" + std::string(d));
    break;
  case Verification::Status::inactive:
    f.severity = Severity::medium;
    add_reason(f, "revoked-or-invalid");
    break;
  case Verification::Status::unknown: break;
  }
  f.verification = std::move(v);
}

} // namespace dtscan
