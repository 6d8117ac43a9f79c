#include "pollux/io/reference_import.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/log.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"

namespace pollux {
namespace {

// ---- zip: the stored (uncompressed) entries torch.save writes

std::uint32_t le(const std::uint8_t* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

struct Entry {
  std::size_t offset, size;
};

std::map<std::string, Entry> zip_entries(const std::vector<std::uint8_t>& f, const std::string& path) {
  const auto fail = [&](const std::string& why) { throw Error("import", path + ": " + why); };
  if (f.size() < 22) fail("not a torch.save checkpoint (too short for a zip file)");
  std::size_t eocd = f.size() - 22;
  while (le(&f[eocd], 4) != 0x06054b50) {
    if (eocd == 0 || f.size() - eocd > 22 + 65535) fail("not a torch.save checkpoint (no zip directory)");
    --eocd;
  }
  const std::size_t count = le(&f[eocd + 10], 2), dir = le(&f[eocd + 16], 4);
  std::map<std::string, Entry> entries;
  std::size_t at = dir;
  for (std::size_t i = 0; i < count; ++i) {
    if (at + 46 > f.size() || le(&f[at], 4) != 0x02014b50) fail("corrupt zip directory");
    const std::uint32_t method = le(&f[at + 10], 2), packed = le(&f[at + 20], 4), size = le(&f[at + 24], 4);
    const std::size_t name_len = le(&f[at + 28], 2), local = le(&f[at + 42], 4);
    if (at + 46 + name_len > f.size()) fail("corrupt zip directory");
    const std::string name(reinterpret_cast<const char*>(&f[at + 46]), name_len);
    if (method != 0 || packed != size) fail("zip entry " + name + " is compressed; torch.save stores entries uncompressed");
    if (local + 30 > f.size() || le(&f[local], 4) != 0x04034b50) fail("corrupt zip entry " + name);
    const std::size_t data = local + 30 + le(&f[local + 26], 2) + le(&f[local + 28], 2);
    if (data + size > f.size()) fail("zip entry " + name + " runs past the end of the file");
    entries[name] = {data, size};
    at += 46 + name_len + le(&f[at + 30], 2) + le(&f[at + 32], 2);
  }
  return entries;
}

// ---- a restricted pickle reader

// torch.save nests a checkpoint a handful of levels deep; a pickle nested deeper than this is
// refused (200,000 nested one-tuples fit in 200 KB).
constexpr std::size_t kMaxNesting = 100;

struct Value;
using ValuePtr = std::shared_ptr<Value>;
struct Value {
  enum Kind { none, boolean, integer, real, text, tuple, list, dict, global, storage, tensor } kind = none;
  std::int64_t i = 0;
  double f = 0;
  std::string s;                      // text; global "module name"; storage key
  std::vector<ValuePtr> items;        // tuple, list; dict: key, value, key, value...
  std::size_t depth = 1;              // nesting of items as built (a list filled later through the memo may be deeper)
  at::ScalarType dtype = at::kFloat;  // storage
  at::Tensor t;
  // Frees the items iteratively: the default, recursive destructor overflows the stack on a
  // deep chain that the depth bound does not see (lists nested through the memo).
  ~Value() {
    std::vector<ValuePtr> pending = std::move(items);
    while (!pending.empty()) {
      ValuePtr v = std::move(pending.back());
      pending.pop_back();
      if (v.use_count() == 1)
        for (ValuePtr& item : v->items) pending.push_back(std::move(item));
    }
  }
};

ValuePtr make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

const std::map<std::string, at::ScalarType>& storage_types() {
  static const std::map<std::string, at::ScalarType> types = {
      {"torch FloatStorage", at::kFloat},       {"torch DoubleStorage", at::kDouble}, {"torch HalfStorage", at::kHalf},
      {"torch BFloat16Storage", at::kBFloat16}, {"torch LongStorage", at::kLong},     {"torch IntStorage", at::kInt},
      {"torch ShortStorage", at::kShort},       {"torch CharStorage", at::kChar},     {"torch ByteStorage", at::kByte},
      {"torch BoolStorage", at::kBool}};
  return types;
}

class PickleReader {
 public:
  PickleReader(const std::vector<std::uint8_t>& file, Entry pickle, std::string prefix,
               const std::map<std::string, Entry>& entries, std::string path)
      : f_(file),
        pos_(pickle.offset),
        end_(pickle.offset + pickle.size),
        prefix_(std::move(prefix)),
        entries_(entries),
        path_(std::move(path)) {}

  ValuePtr read() {
    while (true) {
      const std::uint8_t op = byte();
      switch (op) {
        case 0x80: byte(); break;                                       // PROTO
        case 0x95: bytes(8); break;                                     // FRAME
        case '}': push(make(Value::dict)); break;                       // EMPTY_DICT
        case ']': push(make(Value::list)); break;                       // EMPTY_LIST
        case ')': push(make(Value::tuple)); break;                      // EMPTY_TUPLE
        case 'q': memo_[byte()] = top(); break;                         // BINPUT
        case 'r': memo_[le(bytes(4), 4)] = top(); break;                // LONG_BINPUT
        case 0x94: memo_[std::uint32_t(memo_.size())] = top(); break;   // MEMOIZE
        case 'h': push(memo(byte())); break;                            // BINGET
        case 'j': push(memo(le(bytes(4), 4))); break;                   // LONG_BINGET
        case '(': marks_.push_back(stack_.size()); break;               // MARK
        case 'X': push(text(le(bytes(4), 4))); break;                   // BINUNICODE
        case 0x8c: push(text(byte())); break;                           // SHORT_BINUNICODE
        case 'K': push(integer(byte())); break;                         // BININT1
        case 'M': push(integer(le(bytes(2), 2))); break;                // BININT2
        case 'J': push(integer(std::int32_t(le(bytes(4), 4)))); break;  // BININT
        case 0x8a: push(long1()); break;                                // LONG1
        case 'G': push(binfloat()); break;                              // BINFLOAT
        case 'N': push(make(Value::none)); break;
        case 0x88:
        case 0x89: {  // NEWTRUE, NEWFALSE
          auto v = make(Value::boolean);
          v->i = op == 0x88;
          push(v);
          break;
        }
        case 'c': push(global()); break;
        case 't': push(tuple_of(pop_mark())); break;
        case 0x85: push(tuple_of(pop_n(1))); break;
        case 0x86: push(tuple_of(pop_n(2))); break;
        case 0x87: push(tuple_of(pop_n(3))); break;
        case 'Q': push(persistent(pop())); break;  // BINPERSID
        case 'R': {                                // REDUCE
          ValuePtr args = pop(), callable = pop();
          push(reduce(*callable, *args));
          break;
        }
        case 's': {  // SETITEM
          ValuePtr value = pop(), key = pop();
          add_items(top(), {key, value});
          break;
        }
        case 'u': add_items(nullptr, pop_mark()); break;  // SETITEMS
        case 'a': {                                       // APPEND
          ValuePtr value = pop();
          append(top(), {value});
          break;
        }
        case 'e': {  // APPENDS
          auto items = pop_mark();
          append(top(), items);
          break;
        }
        case 'b': {  // BUILD: only the attributes of an OrderedDict (its _metadata), dropped
          pop();
          if (top()->kind != Value::dict) fail("BUILD on something other than a dict");
          break;
        }
        case '.': {  // STOP
          ValuePtr result = pop();
          return result;
        }
        default: fail(strprintf("pickle opcode 0x%02x is not one torch.save uses for tensors and plain data", op));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error("import", path_ + ": " + why + ": refusing to read it (only tensors and plain data are loaded)");
  }
  std::uint8_t byte() { return *bytes(1); }
  const std::uint8_t* bytes(std::size_t n) {
    if (pos_ + n > end_) fail("the pickle ends early");
    const std::uint8_t* p = &f_[pos_];
    pos_ += n;
    return p;
  }
  void push(ValuePtr v) { stack_.push_back(std::move(v)); }
  ValuePtr top() const {
    if (stack_.empty()) fail("malformed pickle (empty stack)");
    return stack_.back();
  }
  ValuePtr pop() {
    ValuePtr v = top();
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> pop_n(std::size_t n) {
    if (stack_.size() < n) fail("malformed pickle (short stack)");
    std::vector<ValuePtr> items(stack_.end() - std::ptrdiff_t(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return items;
  }
  std::vector<ValuePtr> pop_mark() {
    if (marks_.empty() || marks_.back() > stack_.size()) fail("malformed pickle (no mark)");
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    return pop_n(stack_.size() - mark);
  }
  ValuePtr memo(std::uint32_t key) const {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail("malformed pickle (unknown memo entry)");
    return it->second;
  }
  ValuePtr text(std::size_t n) {
    auto v = make(Value::text);
    const std::uint8_t* p = bytes(n);
    v->s.assign(reinterpret_cast<const char*>(p), n);
    return v;
  }
  static ValuePtr integer(std::int64_t i) {
    auto v = make(Value::integer);
    v->i = i;
    return v;
  }
  ValuePtr long1() {
    const std::size_t n = byte();
    if (n > 8) fail("an integer wider than 64 bits");
    const std::uint8_t* p = bytes(n);
    std::uint64_t u = 0;
    for (std::size_t k = 0; k < n; ++k) u |= std::uint64_t(p[k]) << (8 * k);
    if (n > 0 && n < 8 && (p[n - 1] & 0x80)) u |= ~std::uint64_t(0) << (8 * n);  // sign-extend
    return integer(std::int64_t(u));
  }
  ValuePtr binfloat() {
    const std::uint8_t* p = bytes(8);
    std::uint64_t u = 0;
    for (int k = 0; k < 8; ++k) u = u << 8 | p[k];  // big-endian
    auto v = make(Value::real);
    std::memcpy(&v->f, &u, 8);
    return v;
  }
  std::string line() {
    std::string s;
    for (char c; (c = char(byte())) != '\n';) s += c;
    return s;
  }
  ValuePtr global() {
    const std::string module = line(), name = line(), full = module + " " + name;
    if (full != "collections OrderedDict" && full != "torch._utils _rebuild_tensor_v2" && !storage_types().count(full))
      fail("the pickle asks for the global '" + module + "." + name + "'");
    auto v = make(Value::global);
    v->s = full;
    return v;
  }
  // Adds items to a container, refusing nesting past kMaxNesting.
  void insert(Value& container, const std::vector<ValuePtr>& items) const {
    for (const ValuePtr& item : items) container.depth = std::max(container.depth, item->depth + 1);
    if (container.depth > kMaxNesting) fail("containers nested more than " + std::to_string(kMaxNesting) + " deep");
    container.items.insert(container.items.end(), items.begin(), items.end());
  }
  ValuePtr tuple_of(const std::vector<ValuePtr>& items) const {
    auto v = make(Value::tuple);
    insert(*v, items);
    return v;
  }
  void add_items(ValuePtr dict, const std::vector<ValuePtr>& items) {
    if (!dict) dict = top();
    if (dict->kind != Value::dict || items.size() % 2) fail("malformed pickle (items for a non-dict)");
    insert(*dict, items);
  }
  void append(const ValuePtr& list, const std::vector<ValuePtr>& items) {
    if (list->kind != Value::list) fail("malformed pickle (append to a non-list)");
    insert(*list, items);
  }
  // ('storage', torch.<T>Storage, key, location, numel)
  ValuePtr persistent(const ValuePtr& id) {
    const auto& it = id->items;
    if (id->kind != Value::tuple || it.size() != 5 || it[0]->s != "storage" || it[1]->kind != Value::global ||
        !storage_types().count(it[1]->s) || it[2]->kind != Value::text || it[4]->kind != Value::integer)
      fail("a persistent id that is not a tensor storage");
    auto v = make(Value::storage);
    v->dtype = storage_types().at(it[1]->s);
    v->s = it[2]->s;
    v->i = it[4]->i;
    return v;
  }
  ValuePtr reduce(const Value& callable, const Value& args) {
    if (callable.kind != Value::global || args.kind != Value::tuple) fail("REDUCE of something other than a known global");
    if (callable.s == "collections OrderedDict") {
      if (!args.items.empty()) fail("OrderedDict with arguments");
      return make(Value::dict);
    }
    if (callable.s == "torch._utils _rebuild_tensor_v2") return rebuild_tensor(args);
    fail("the pickle calls '" + callable.s + "'");
  }
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, ...)
  ValuePtr rebuild_tensor(const Value& args) {
    const auto& a = args.items;
    if (a.size() < 4 || a[0]->kind != Value::storage || a[1]->kind != Value::integer || a[2]->kind != Value::tuple ||
        a[3]->kind != Value::tuple || a[2]->items.size() != a[3]->items.size())
      fail("malformed _rebuild_tensor_v2 arguments");
    const Value& storage = *a[0];
    const auto entry = entries_.find(prefix_ + "data/" + storage.s);
    if (entry == entries_.end()) fail("tensor storage data/" + storage.s + " is missing");
    const std::int64_t element = std::int64_t(at::elementSize(storage.dtype));
    std::int64_t storage_bytes = 0;
    if (storage.i < 0 || __builtin_mul_overflow(storage.i, element, &storage_bytes) ||
        std::int64_t(entry->second.size) != storage_bytes)
      fail("tensor storage data/" + storage.s + " has " + std::to_string(entry->second.size) + " bytes, not " +
           std::to_string(storage.i) + " elements");
    // Every product of sizes read from the file is checked: a view reaching past its storage,
    // or holding more elements than it (a stride-0 [50000, 50000] view of a few bytes would be
    // a 10 GB copy), is refused; torch.save writes neither.
    std::vector<std::int64_t> size, stride;
    std::int64_t last = a[1]->i, numel = 1;  // the furthest element the view reaches; its element count
    for (std::size_t k = 0; k < a[2]->items.size(); ++k) {
      if (a[2]->items[k]->kind != Value::integer || a[3]->items[k]->kind != Value::integer) fail("malformed tensor shape");
      size.push_back(a[2]->items[k]->i);
      stride.push_back(a[3]->items[k]->i);
      if (size.back() < 0 || stride.back() < 0) fail("negative tensor shape or stride");
      std::int64_t reach = 0;
      if (__builtin_mul_overflow(numel, size.back(), &numel) ||
          (size.back() > 0 &&
           (__builtin_mul_overflow(size.back() - 1, stride.back(), &reach) || __builtin_add_overflow(last, reach, &last))))
        fail("a tensor shape or stride whose product overflows (storage data/" + storage.s + ")");
    }
    const bool empty = numel == 0;
    if (a[1]->i < 0 || (!empty && last >= storage.i)) fail("a tensor view runs past its storage data/" + storage.s);
    if (numel > storage.i)
      fail("a tensor view of " + std::to_string(numel) + " elements repeats the " + std::to_string(storage.i) +
           " of its storage data/" + storage.s);
    const at::Tensor flat = at::from_blob(const_cast<std::uint8_t*>(&f_[entry->second.offset]), {storage.i},
                                          at::TensorOptions().dtype(storage.dtype));
    auto v = make(Value::tensor);
    v->t = empty ? at::empty(size, storage.dtype) : flat.as_strided(size, stride, a[1]->i).clone();
    return v;
  }

  const std::vector<std::uint8_t>& f_;
  std::size_t pos_, end_;
  std::string prefix_;
  const std::map<std::string, Entry>& entries_;
  std::string path_;
  std::vector<ValuePtr> stack_;
  std::vector<std::size_t> marks_;
  std::map<std::uint32_t, ValuePtr> memo_;
};

// ---- the reference checkpoint's layout

class Fields {
 public:
  Fields(const Value& dict, std::string where, std::string path) : dict_(dict), where_(std::move(where)), path_(std::move(path)) {
    if (dict.kind != Value::dict) fail("", "is not a dict");
  }
  const Value& get(const std::string& key, Value::Kind kind) const {
    for (std::size_t k = 0; k + 1 < dict_.items.size(); k += 2)
      if (dict_.items[k]->kind == Value::text && dict_.items[k]->s == key) {
        if (dict_.items[k + 1]->kind != kind) fail(key, "has the wrong type");
        return *dict_.items[k + 1];
      }
    fail(key, "is missing");
  }
  Fields dict(const std::string& key) const { return Fields(get(key, Value::dict), where_ + key + ".", path_); }
  // An integer that T holds, and not negative: every integer of a reference checkpoint counts something.
  template <typename T>
  T integer_in(const std::string& key) const {
    const std::int64_t i = get(key, Value::integer).i;
    if (i < 0 || std::uint64_t(i) > std::uint64_t(std::numeric_limits<T>::max()))
      fail(key, "is " + std::to_string(i) + ", outside 0.." + std::to_string(std::numeric_limits<T>::max()));
    return T(i);
  }
  const at::Tensor& tensor(const std::string& key) const { return get(key, Value::tensor).t; }
  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw Error("import", path_ + ": " + where_ + key + " " + why + ": not a reference trainer checkpoint");
  }

 private:
  const Value& dict_;
  std::string where_, path_;
};

}  // namespace

Checkpoint import_reference_checkpoint(const std::string& path, double h_floor) {
  if (!(h_floor > 0)) throw Error("import", "--h_floor must be positive (the corpus's irreducible cross-entropy in nats)");
  const std::vector<std::uint8_t> file = read_file(path);
  const auto entries = zip_entries(file, path);
  std::string prefix;
  for (const auto& [name, e] : entries)
    if (name.size() >= 8 && name.compare(name.size() - 8, 8, "data.pkl") == 0) prefix = name.substr(0, name.size() - 8);
  if (!entries.count(prefix + "data.pkl")) throw Error("import", path + ": no data.pkl: not a torch.save checkpoint");
  const auto order = entries.find(prefix + "byteorder");
  if (order != entries.end() &&
      std::string(reinterpret_cast<const char*>(&file[order->second.offset]), order->second.size) != "little")
    throw Error("import", path + ": big-endian tensor data is not supported");
  const ValuePtr root = PickleReader(file, entries.at(prefix + "data.pkl"), prefix, entries, path).read();

  const Fields top(*root, "", path);
  const Fields reference = top.dict("config");
  Checkpoint ck;
  Config& c = ck.config;
  // Every number is range-checked before it is narrowed, then the configuration goes through
  // the validation an INI file gets, before any tensor of its shape exists.
  c.model.n_layers = reference.integer_in<int>("n_layers");
  c.model.n_embd = reference.integer_in<int>("n_embd");
  c.model.d_head = reference.integer_in<int>("d_head");
  c.model.seq_len = reference.integer_in<int>("seq_len");
  c.model.vocab_size = reference.integer_in<int>("vocab_size");
  c.model.tokenizer_vocab_size = reference.integer_in<int>("tokenizer_vocab_size");
  c.micro_batch = reference.integer_in<int>("batch_size");
  c.grad_accum = reference.integer_in<int>("grad_accum_steps");
  c.target_tokens = reference.integer_in<std::uint64_t>("target_tokens");
  c.h_floor = h_floor;
  c.codebook = lattice::CodebookVariant::pollux_v4;
  c.lattice_search = lattice::Scoring::reference_bf16;
  try {
    c.validate();
  } catch (const Error& e) { throw Error("import", path + ": the reference's config: " + e.what()); }
  // The reference applies eta_d as is; our trainer refuses eta_d <= 0 (spec section 5a), so
  // such narrow models continue with the clamped form.
  c.width_inertia = width_inertia(c.model.n_embd, true) > 0 ? WidthInertia::reference : WidthInertia::clamped;
  ck.step = top.integer_in<std::int64_t>("step");
  ck.tokens_seen = top.integer_in<std::uint64_t>("tokens_seen");

  const Fields physics = top.dict("physics_state_dict");
  const Fields weights = top.dict("model_state_dict"), scalars = physics.dict("tensors"), m = physics.dict("m_buffers"),
               v = physics.dict("v_buffers"), latents = physics.dict("continuous_pre_weights");
  ck.codebook = to_string(c.codebook);
  const lattice::Codebook& codebook = lattice::Codebook::get(c.codebook);
  ck.codebook_sha256 = codebook.sha256();
  ck.sampler_seed = c.seed;  // the reference's batch order cannot be continued: ours starts afresh
  const at::Tensor& step = scalars.tensor("step");
  const at::Tensor& heat = scalars.tensor("macro_heat");
  if (step.numel() != 1) physics.fail("tensors.step", "is not one number");
  if (heat.numel() != 1) physics.fail("tensors.macro_heat", "is not one number");
  ck.optimizer.step = step.item<std::int64_t>();
  ck.optimizer.heat = heat.item<double>();
  if (ck.optimizer.step != ck.step) top.fail("step", "differs from physics_state_dict.tensors.step");
  if (!std::isfinite(ck.optimizer.heat)) physics.fail("tensors.macro_heat", "is not a finite number");

  const lattice::Quantizer quantizer(codebook, lattice::Scoring::reference_bf16);
  const PolluxModel model(c.model, c.seed, at::kCPU);
  for (const auto& p : model.parameters()) {
    const auto expect = [&](const Fields& group, const std::string& what) {
      const at::Tensor t = group.tensor(p.name).to(at::kFloat).contiguous();
      if (!t.sizes().equals(p.value.sizes())) group.fail(p.name, "has the wrong shape for " + what);
      return t;
    };
    const at::Tensor weight = expect(weights, "the model"), latent = expect(latents, "the model");
    ck.optimizer.tensors["latent/" + p.name] = latent;
    ck.optimizer.tensors["m/" + p.name] = expect(m, "the model");
    ck.optimizer.tensors["v/" + p.name] = expect(v, "the model");
    if (!p.quantized_matrix()) {
      ck.weights[p.name] = weight;
      continue;
    }
    // The lattice form is the projection of the latent (spec section 3); it must give the
    // stored forward weight, or this is not a pollux-v4 run.
    const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
    at::Tensor indices = at::empty({rows, cols / lattice::kAtomDim}, at::kInt), sigma = at::empty({rows}, at::kFloat);
    auto* idx = reinterpret_cast<std::uint32_t*>(indices.data_ptr<std::int32_t>());
    lattice::project_rows(quantizer, latent.data_ptr<float>(), std::size_t(rows), std::size_t(cols), idx, sigma.data_ptr<float>(),
                          1);
    at::Tensor rebuilt = at::empty({rows, cols}, at::kFloat);
    lattice::reconstruct_rows(codebook, idx, sigma.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
                              rebuilt.data_ptr<float>());
    const double error =
        (rebuilt.view(weight.sizes()) - weight).abs().max().item<double>() / std::max(1e-30, weight.abs().max().item<double>());
    if (error > 1e-5)
      weights.fail(p.name, strprintf("is not the pollux-v4 projection of its latent (relative error %.2g)", error));
    ck.optimizer.tensors["indices/" + p.name] = indices;
    ck.optimizer.tensors["sigma/" + p.name] = sigma;
  }
  return ck;
}

}  // namespace pollux
