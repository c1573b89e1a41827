// The compact record encoding: what goes in comes back out, field by field;
// what it cannot hold is refused; damaged bytes are reported, never read past.
#include <catch2/catch.hpp>

#include <string>

#include "engine/record_codec.h"
#include "engine/schema.h"

namespace whyd {
namespace {

struct CodecSchema {
  Schema schema;
  RecordType* leaf;
  int name, count, active, ratio, day, at, wait, tags, note, nothing, link;
  CodecSchema() {
    leaf = schema.AddRecordType("leaf");
    name = leaf->AddField("name", Type::Scalar(Kind::kString));
    count = leaf->AddField("count", Type::Scalar(Kind::kInt));
    active = leaf->AddField("active", Type::Scalar(Kind::kBool));
    ratio = leaf->AddField("ratio", Type::Scalar(Kind::kFloat));
    day = leaf->AddField("day", Type::Scalar(Kind::kDate));
    at = leaf->AddField("at", Type::Scalar(Kind::kTime));
    wait = leaf->AddField("wait", Type::Scalar(Kind::kDuration));
    tags = leaf->AddField("tags", Type::ListOf(Kind::kString));
    note = leaf->AddField("note", Type::Scalar(Kind::kString));
    nothing = leaf->AddField("nothing", Type::Scalar(Kind::kString));
    link = leaf->AddField("link", Type::RecordOf(leaf));
  }
};

TEST_CASE("a record survives encoding: every kind, negatives, null and absent fields", "[codec]") {
  CodecSchema s;
  FactArena arena;
  Record* r = arena.NewRecord(s.leaf);
  r->set(s.name, arena.StringValue("Jamie \"Sm\xC3\xADth\"\n"));
  r->set(s.count, Value::Int(-1234567890123));
  r->set(s.active, Value::Bool(true));
  r->set(s.ratio, Value::Float(-0.25));
  r->set(s.day, Value::Date(-3));
  r->set(s.at, Value::Time(1795946400));
  r->set(s.wait, Value::Duration(90));
  Value* items = nullptr;
  List* tags = arena.NewList(3, &items);
  items[0] = arena.StringValue("a");
  items[1] = arena.StringValue("");
  items[2] = Value::Null();
  r->set(s.tags, Value::OfList(tags));
  r->set(s.note, Value::Null());
  // `nothing` and `link` stay absent.

  std::string bytes;
  REQUIRE(EncodeRecord(*r, &bytes));
  FactArena out;
  RecordReader reader(bytes);
  const Record* back = reader.Next(s.leaf, out);
  REQUIRE(back != nullptr);
  CHECK(reader.ok());
  CHECK(reader.done());
  for (int f = 0; f < s.leaf->field_count(); ++f) {
    if (f == s.tags) continue;
    INFO("field " << f);
    CHECK(back->get(f) == r->get(f));
  }
  CHECK(back->get(s.nothing).is_absent());
  CHECK(back->get(s.note).is_null());
  const List* back_tags = back->get(s.tags).as_list();
  REQUIRE(back_tags->size == 3);
  CHECK(back_tags->items[0].as_string() == "a");
  CHECK(back_tags->items[1].as_string().empty());
  CHECK(back_tags->items[2].is_null());
  // Strings point into the encoded bytes: no copy per decode.
  CHECK(back->get(s.name).as_string().data() >= bytes.data());
  CHECK(back->get(s.name).as_string().data() < bytes.data() + bytes.size());
}

TEST_CASE("records and varints framed one after another read back in order", "[codec]") {
  CodecSchema s;
  FactArena arena;
  std::string bytes;
  AppendVarint(300, &bytes);
  for (int i = 0; i < 300; ++i) {
    Record* r = arena.NewRecord(s.leaf);
    r->set(s.count, Value::Int(i * 1000));
    REQUIRE(EncodeRecord(*r, &bytes));
  }
  RecordReader reader(bytes);
  uint64_t n = 0;
  REQUIRE(reader.ReadVarint(&n));
  REQUIRE(n == 300);
  FactArena out;
  for (int i = 0; i < 300; ++i) {
    const Record* r = reader.Next(s.leaf, out);
    REQUIRE(r != nullptr);
    CHECK(r->get(s.count).as_int() == i * 1000);
  }
  CHECK(reader.done());
  CHECK(reader.Next(s.leaf, out) == nullptr);
}

TEST_CASE("a record holding a record or a list of lists is refused, output unchanged", "[codec]") {
  CodecSchema s;
  FactArena arena;
  Record* child = arena.NewRecord(s.leaf);
  Record* r = arena.NewRecord(s.leaf);
  r->set(s.name, arena.StringValue("x"));
  r->set(s.link, Value::OfRecord(child));
  std::string bytes = "prefix";
  CHECK_FALSE(EncodeRecord(*r, &bytes));
  CHECK(bytes == "prefix");

  Record* nested = arena.NewRecord(s.leaf);
  Value* inner_items = nullptr;
  List* inner = arena.NewList(1, &inner_items);
  inner_items[0] = Value::Int(1);
  Value* outer_items = nullptr;
  List* outer = arena.NewList(1, &outer_items);
  outer_items[0] = Value::OfList(inner);
  nested->set(s.tags, Value::OfList(outer));
  CHECK_FALSE(EncodeRecord(*nested, &bytes));
  CHECK(bytes == "prefix");
}

TEST_CASE("truncated or damaged bytes fail cleanly instead of reading past the end", "[codec]") {
  CodecSchema s;
  FactArena arena;
  Record* r = arena.NewRecord(s.leaf);
  r->set(s.name, arena.StringValue("a long enough string"));
  r->set(s.count, Value::Int(7));
  std::string bytes;
  REQUIRE(EncodeRecord(*r, &bytes));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    const std::string truncated = bytes.substr(0, cut);
    RecordReader reader(truncated);
    FactArena out;
    CHECK(reader.Next(s.leaf, out) == nullptr);
    CHECK_FALSE(reader.ok());
  }
  // A field index beyond the type, and an unknown kind byte.
  for (const std::string& bad : {std::string("\x01\x7f\x01", 3), std::string("\x01\x00\x63", 3)}) {
    RecordReader reader(bad);
    FactArena out;
    CHECK(reader.Next(s.leaf, out) == nullptr);
    CHECK_FALSE(reader.ok());
  }
}

}  // namespace
}  // namespace whyd
