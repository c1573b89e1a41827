// StoreStateFactSource: gathers the facts of a pack test written in the
// `state:` form (docs/rule-language.md, "Tests") through the same code as a
// live question: the test's snapshot is imported into a private in-memory
// store, validated like any snapshot, and the facts come from GatherFacts.
//
// Thread-safety: one instance per test run; not thread-safe. The facts of a
// call borrow from the store it built, which lives until the next call.
#ifndef WHYD_KNOWLEDGE_STATE_FACT_SOURCE_H_
#define WHYD_KNOWLEDGE_STATE_FACT_SOURCE_H_

#include <memory>

#include "engine/pack_test.h"
#include "knowledge/store.h"

namespace whyd {

class StoreStateFactSource : public StateFactSource {
 public:
  StatusOr<const Record*> Facts(const PackTestDef& test, const FaqDef& faq, FactArena& arena) override;

 private:
  std::unique_ptr<Store> store_;  // keeps the last test's facts alive
};

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STATE_FACT_SOURCE_H_
