// API keys: generation, hashing and the bearer-token check of every /v1 call.
//
// Only SHA-256 hashes of keys are held; a presented key is hashed and compared
// with every configured hash in constant time (CRYPTO_memcmp, no early exit), so
// response timing says nothing about how close a guess was.
//
// Thread-safety: a KeyRing is immutable after construction; share freely.
#ifndef WHYD_SERVER_AUTH_H_
#define WHYD_SERVER_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "server/config.h"

namespace whyd {

Sha256Digest Sha256(std::string_view data);
std::string HexDigest(const Sha256Digest& digest);

// A fresh key: "whyd_" followed by 32 random bytes (RAND_bytes) in base64url.
StatusOr<std::string> NewApiKey();

class KeyRing {
 public:
  // Tenant keys, and operator keys (tenant and scopes empty; config.h).
  explicit KeyRing(std::vector<ApiKey> keys, const std::vector<ApiKey>& operators = {});

  // Checks an Authorization header for `tenant` and `scope`:
  //   missing header, not "Bearer", unknown key        -> kUnauthenticated
  //   key of another tenant, or without the scope      -> kPermissionDenied
  // On success returns the matching key (owned by the ring).
  StatusOr<const ApiKey*> Authorize(std::string_view authorization, std::string_view tenant,
                                    unsigned scope) const;
  // As Authorize, for calls about no tenant's data (the FAQ catalogue): any
  // tenant's key with one of `scope`. Operator keys hold no scope.
  StatusOr<const ApiKey*> AuthorizeAnyTenant(std::string_view authorization, unsigned scope) const;
  // For calls that change the process for every tenant (reload): an operator
  // key; a tenant key, whatever its scopes, is kPermissionDenied.
  StatusOr<const ApiKey*> AuthorizeOperator(std::string_view authorization) const;

 private:
  StatusOr<const ApiKey*> Identify(std::string_view authorization) const;

  std::vector<ApiKey> keys_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_AUTH_H_
