// A compact byte encoding of flat records, for holding many of them in little
// memory and turning them back into Records only when a question needs them.
//
// A Record in memory costs 16 bytes for every field of its type, set or not;
// the encoding stores only the fields that are set, integers as varints and
// strings inline, typically a quarter of the size. Decoded strings point into
// the encoded bytes (no copy), so the bytes must outlive the decoded record.
//
// Supported values: absent (skipped), null, bool, int, float, date, time,
// duration, string, and lists of those. A field holding a record, or a list of
// records or lists, cannot be encoded (EncodeRecord returns false): the
// encoding is for leaf records such as sign-ins and emails.
//
// Thread-safety: stateless functions; a RecordReader belongs to one thread.
#ifndef WHYD_ENGINE_RECORD_CODEC_H_
#define WHYD_ENGINE_RECORD_CODEC_H_

#include <string>
#include <string_view>

#include "engine/facts.h"

namespace whyd {

// Appends the encoding of `record` to `out`. False (and `out` unchanged) when
// a field holds a value the encoding does not support.
bool EncodeRecord(const Record& record, std::string* out);

// Appends a varint, for callers that frame several records (counts, lengths).
void AppendVarint(uint64_t v, std::string* out);

// Reads records and varints back, in the order they were appended.
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  // The next record, as a Record of `type` in `arena`; null when the bytes are
  // exhausted or malformed (then ok() is false).
  Record* Next(const RecordType* type, FactArena& arena);
  // Inline for the common one-byte varint (field indexes, counts, small
  // lengths); longer ones take the out-of-line loop.
  bool ReadVarint(uint64_t* v) {
    if (p_ != end_ && static_cast<unsigned char>(*p_) < 0x80) {
      *v = static_cast<unsigned char>(*p_++);
      return true;
    }
    return ReadLongVarint(v);
  }
  // Moves past `bytes` bytes (framed by the caller, e.g. a collection of
  // records it does not need); false, and ok() false, when fewer are left.
  bool Skip(uint64_t bytes) {
    if (!ok_ || bytes > static_cast<uint64_t>(end_ - p_)) return ok_ = false;
    p_ += bytes;
    return true;
  }
  bool ok() const { return ok_; }
  bool done() const { return p_ == end_; }

 private:
  bool ReadLongVarint(uint64_t* v);
  // One value (kind byte and payload); lists only at the top level.
  bool ReadValue(bool in_list, FactArena& arena, Value* out);

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_RECORD_CODEC_H_
