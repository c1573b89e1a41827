// Synthetic tenants for benchmarks and load tests (`whyd generate`).
//
// A deterministic (seeded) snapshot with realistic proportions: admins, employer
// users per organisation, learners in every status, and about five related
// records per learner (programme, ILR episode, document, activation email,
// sign-ins). Written as JSON text straight to a string, so generating 100,000
// learners needs no JSON document in memory.
//
// Thread-safety: pure function.
#ifndef WHYD_KNOWLEDGE_STORE_SYNTHETIC_H_
#define WHYD_KNOWLEDGE_STORE_SYNTHETIC_H_

#include <cstdint>
#include <string>

namespace whyd {

struct SyntheticOptions {
  int learners = 1000;
  uint64_t seed = 1;
  std::string tenant_id = "synthetic";
  std::string as_of = "2026-11-29T10:00:00Z";
};

std::string GenerateSyntheticTenant(const SyntheticOptions& options);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STORE_SYNTHETIC_H_
