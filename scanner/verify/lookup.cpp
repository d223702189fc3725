// libcurl client for the token lookup API (see lookup.hpp). Nothing here logs: the caller gets a status
// or a short error word, never curl's error text (which names URLs, not tokens, but stays out anyway).
#include "scanner/verify/lookup.hpp"

#include "scanner/wipe.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace dtscan {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  if (body->size() + bytes > HttpAnswer::max_body) return 0; // aborts the transfer
  body->append(data, bytes);
  return bytes;
}

std::string error_word(CURLcode code) {
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT: return "timeout";
  case CURLE_COULDNT_RESOLVE_HOST: return "dns";
  case CURLE_COULDNT_CONNECT: return "connect-failed";
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CACERT_BADFILE: return "tls";
  default: return "transport";
  }
}

// Overwrites the header strings curl copied before it frees them.
void free_headers(curl_slist* headers) {
  for (curl_slist* h = headers; h != nullptr; h = h->next)
    if (h->data) std::memset(h->data, 0, std::strlen(h->data));
  curl_slist_free_all(headers);
}

// Like the curl command: CURL_CA_BUNDLE, else SSL_CERT_FILE, names the CA certificates to trust and
// SSL_CERT_DIR a directory of them (a company's TLS-inspecting proxy, a test tenant); unset, libcurl's
// default (on Debian the system store).
void trust_from_environment(CURL* curl) {
  const auto env = [](const char* name) -> const char* {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
  };
  if (const char* file = env("CURL_CA_BUNDLE") ? env("CURL_CA_BUNDLE") : env("SSL_CERT_FILE"))
    curl_easy_setopt(curl, CURLOPT_CAINFO, file);
  if (const char* dir = env("SSL_CERT_DIR")) curl_easy_setopt(curl, CURLOPT_CAPATH, dir);
}

} // namespace

void init_http() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpAnswer post_token_lookup(const std::string& url, const std::string& token, long timeout_ms) {
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    answer.error = "transport";
    return answer;
  }
  std::string auth = "Authorization: Api-Token " + token;
  // The caller passes only tokens of [A-Za-z0-9._-]: nothing to escape, and no JSON library copy to wipe.
  std::string body = "{\"token\":\"" + token + "\"}";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  wipe(auth);

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "dtscan/" DTSCAN_VERSION);
  trust_from_environment(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);

  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_off_t retry = -1;
    if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry >= 0)
      answer.retry_after = static_cast<long>(retry);
  } else {
    answer.error = error_word(code);
    answer.body.clear();
  }
  curl_easy_cleanup(curl);
  free_headers(headers);
  wipe(body);
  return answer;
}

} // namespace dtscan
