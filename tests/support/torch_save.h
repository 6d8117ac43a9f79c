// Hostile torch.save files built byte by byte (issue 25): a zip of stored entries holding a
// protocol-2 pickle, for the pollux-import tests and the fuzz harness's `pt` seeds.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pollux::test {

inline void put_le(std::string& s, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += char(v >> (8 * i) & 0xff);
}

// A zip of stored (uncompressed) entries, as torch.save writes them; CRCs are left 0 (the
// reader does not check them).
inline std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string z, dir;
  for (const auto& [name, data] : entries) {
    const std::size_t local = z.size();
    put_le(z, 0x04034b50, 4);
    put_le(z, 20, 2);
    put_le(z, 0, 2);
    put_le(z, 0, 2);
    put_le(z, 0, 4);
    put_le(z, 0, 4);
    put_le(z, data.size(), 4);
    put_le(z, data.size(), 4);
    put_le(z, name.size(), 2);
    put_le(z, 0, 2);
    z += name + data;
    put_le(dir, 0x02014b50, 4);
    put_le(dir, 20, 2);
    put_le(dir, 20, 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 4);
    put_le(dir, 0, 4);
    put_le(dir, data.size(), 4);
    put_le(dir, data.size(), 4);
    put_le(dir, name.size(), 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 2);
    put_le(dir, 0, 4);
    put_le(dir, local, 4);
    dir += name;
  }
  const std::size_t at = z.size();
  z += dir;
  put_le(z, 0x06054b50, 4);
  put_le(z, 0, 2);
  put_le(z, 0, 2);
  put_le(z, entries.size(), 2);
  put_le(z, entries.size(), 2);
  put_le(z, dir.size(), 4);
  put_le(z, at, 4);
  put_le(z, 0, 2);
  return z;
}

// A torch.save file: `body` as x/data.pkl (protocol 2, STOP appended), then `data` entries
// (x/data/0 ...).
inline std::string torch_save_of(const std::string& body, std::vector<std::pair<std::string, std::string>> data = {}) {
  data.insert(data.begin(), {"x/data.pkl", "\x80\x02" + body + "."});
  return zip_of(data);
}

// Pickle pieces: a text (BINUNICODE), a 64-bit integer (LONG1), a dict of encoded values.
inline std::string pk_text(const std::string& s) {
  std::string out = "X";
  put_le(out, s.size(), 4);
  return out + s;
}
inline std::string pk_int(std::int64_t v) {
  std::string out = "\x8a\x08";
  put_le(out, std::uint64_t(v), 8);
  return out;
}
inline std::string pk_dict(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "}(";
  for (const auto& [k, v] : items) out += pk_text(k) + v;
  return out + "u";
}

// The reference trainer's config dict: a valid one-layer model, with `key` set to `value`.
inline std::string reference_config(const std::string& key = "", std::int64_t value = 0) {
  const std::vector<std::pair<std::string, std::int64_t>> keys = {
      {"n_layers", 1},   {"n_embd", 48},          {"d_head", 24},
      {"seq_len", 16},   {"vocab_size", 264},     {"tokenizer_vocab_size", 257},
      {"batch_size", 2}, {"grad_accum_steps", 1}, {"target_tokens", 0}};
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& [k, v] : keys) items.emplace_back(k, pk_int(k == key ? value : v));
  return pk_dict(items);
}

// _rebuild_tensor_v2(float storage "0" of `elements`, offset 0, [rows, cols], [stride, stride],
// False, OrderedDict()): a rows x cols view.
inline std::string pk_tensor(std::int64_t elements, std::int64_t rows, std::int64_t cols, std::int64_t stride) {
  return "ctorch._utils\n_rebuild_tensor_v2\n((" + pk_text("storage") + "ctorch\nFloatStorage\n" + pk_text("0") + pk_text("cpu") +
         pk_int(elements) + "tQ" + pk_int(0) + pk_int(rows) + pk_int(cols) + "\x86" + pk_int(stride) + pk_int(stride) +
         "\x86\x89" + "ccollections\nOrderedDict\n)R" + "tR";
}

// EMPTY_TUPLE wrapped `depth` times in a one-tuple (80 02 29, then 85 x depth, then 2e).
inline std::string nested_tuples(std::size_t depth) { return ")" + std::string(depth, '\x85'); }

}  // namespace pollux::test
