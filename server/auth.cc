// API key hashing and checking; see auth.h.
#include "server/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace whyd {

namespace {

// OpenSSL 3 resolves EVP_sha256() through its provider lookup on every digest
// (a property query under a lock); every request hashes its key, so the
// algorithm is fetched once and kept for the life of the process.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  // One context per thread, reset by each init: EVP_Digest would allocate,
  // initialise and free a context for every request's key.
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(EVP_MD_CTX_new());
  // With a fetched EVP_MD these cannot fail short of memory exhaustion; a
  // zero digest then matches no configured key.
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), Sha256Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
    digest.fill(0);
  }
  return digest;
}

std::string HexDigest(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

StatusOr<std::string> NewApiKey() {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) return InternalError("RAND_bytes failed");
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string key = "whyd_";
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char byte : random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      key.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) key.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  OPENSSL_cleanse(random, sizeof random);
  return key;
}

KeyRing::KeyRing(std::vector<ApiKey> keys, const std::vector<ApiKey>& operators) : keys_(std::move(keys)) {
  for (ApiKey key : operators) {
    key.tenant.clear();  // what makes it an operator key below
    key.scopes = 0;
    keys_.push_back(std::move(key));
  }
}

StatusOr<const ApiKey*> KeyRing::Identify(std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return UnauthenticatedError("missing Authorization: Bearer <key>");
  if (authorization.size() <= kBearer.size() ||
      authorization.substr(0, kBearer.size()) != kBearer) {
    return UnauthenticatedError("the Authorization header must be 'Bearer <key>'");
  }
  const Sha256Digest presented = Sha256(authorization.substr(kBearer.size()));
  const ApiKey* found = nullptr;
  for (const ApiKey& key : keys_) {
    // Every hash is compared, found or not, so timing does not depend on position.
    if (CRYPTO_memcmp(key.sha256.data(), presented.data(), presented.size()) == 0) found = &key;
  }
  if (found == nullptr) return UnauthenticatedError("unknown API key");
  return found;
}

StatusOr<const ApiKey*> KeyRing::Authorize(std::string_view authorization, std::string_view tenant,
                                           unsigned scope) const {
  StatusOr<const ApiKey*> key = Identify(authorization);
  if (!key.ok()) return key;
  if (tenant.empty() || (*key)->tenant != tenant || ((*key)->scopes & scope) == 0) {
    return PermissionDeniedError("key may not do this for this tenant");
  }
  return key;
}

StatusOr<const ApiKey*> KeyRing::AuthorizeAnyTenant(std::string_view authorization,
                                                    unsigned scope) const {
  StatusOr<const ApiKey*> key = Identify(authorization);
  if (!key.ok()) return key;
  if (((*key)->scopes & scope) == 0) return PermissionDeniedError("key lacks the scope");
  return key;
}

StatusOr<const ApiKey*> KeyRing::AuthorizeOperator(std::string_view authorization) const {
  StatusOr<const ApiKey*> key = Identify(authorization);
  if (!key.ok()) return key;
  if (!(*key)->tenant.empty()) {
    return PermissionDeniedError("this acts for every tenant: it needs an operator key, not a tenant's key");
  }
  return key;
}

}  // namespace whyd
