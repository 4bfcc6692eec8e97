// Terms: literals, comprehensions, template strings and calls.
#include <algorithm>
#include <map>

#include "eval/evaluator.h"
#include "eval/inline_buffer.h"

namespace fedra::eval {

std::string FormatForPrint(const Value& v) {
  if (v.is_string()) return std::string(v.str());
  return ToRegoString(v);
}

bool Evaluator::IsGroundComposite(const ir::Term& t) const {
  switch (t.op) {
    case ir::TermOp::kLocal:
      return frame_[t.slot] != nullptr;
    case ir::TermOp::kArrayCompr:
    case ir::TermOp::kSetCompr:
    case ir::TermOp::kObjectCompr:
      return true;  // evaluates to one value once its captures are bound
    default:
      for (const auto& i : t.items)
        if (!IsGround(i)) return false;
      for (const auto& [k, v] : t.entries)
        if (!IsGround(k) || !IsGround(v)) return false;
      return true;
  }
}

Flow Evaluator::EvalTerm(const ir::Term& t, ValueCont k) {
  switch (t.op) {
    case ir::TermOp::kConst:
      return k(t.value);
    case ir::TermOp::kLocal: {
      // A slot is only cleared after its continuation returns and its
      // value outlives it (Slot, scratch.h): valid during k.
      const Value* v = frame_[t.slot];
      if (v == nullptr) return Flow::kContinue;
      return k(*v);
    }
    case ir::TermOp::kInput: {
      if (input_.is_undefined()) return Flow::kContinue;
      Value v = input_;
      return k(v);
    }
    case ir::TermOp::kRef: {
      // Most refs have one value reachable without continuations.
      const Value* v = nullptr;
      switch (EvalDirect(t, &v)) {
        case Direct::kValue: return k(*v);
        case Direct::kUndefined: return Flow::kContinue;
        case Direct::kComplex: return EvalRef(t, k);
      }
      return Flow::kContinue;
    }
    case ir::TermOp::kData:
      return EvalRef(t, k);
    case ir::TermOp::kArray:
    case ir::TermOp::kSet: {
      // The elements' addresses go to a stack buffer (each value lives until
      // the continuation returns); the collection's node takes one copy of
      // each: one allocation per collection, one reference per element.
      const size_t n = t.items.size();
      InlineBuffer<const Value*, 8> vals(n);
      return EvalInto(t.items, 0, vals.data(), [&]() -> Flow {
        InlineBuffer<Value, 8> copies(n);
        for (size_t i = 0; i < n; ++i) copies[i] = *vals[i];
        std::span<Value> items(copies.data(), n);
        return k(t.op == ir::TermOp::kArray ? Value::ArrayFrom(items) : Value::SetFrom(items));
      });
    }
    case ir::TermOp::kObject: {
      const size_t n = t.entries.size();
      InlineBuffer<EntryRef, 8> vals(n);
      return EvalEntries(t, 0, vals.data(), [&]() -> Flow {
        InlineBuffer<ObjectEntry, 8> copies(n);
        for (size_t i = 0; i < n; ++i) copies[i] = ObjectEntry(*vals[i].first, *vals[i].second);
        return k(Value::ObjectFrom(std::span<ObjectEntry>(copies.data(), n)));
      });
    }
    case ir::TermOp::kArrayCompr:
    case ir::TermOp::kSetCompr:
    case ir::TermOp::kObjectCompr:
      return EvalComprehension(t, k);
    case ir::TermOp::kCall:
      return EvalCall(t, k);
    case ir::TermOp::kTemplate:
      return EvalTemplate(t, k);
  }
  return Flow::kContinue;
}

Flow Evaluator::EvalInto(const std::vector<ir::Term>& items, size_t i, const Value** vals, Cont k) {
  if (i == items.size()) return k();
  const ir::Term& item = items[i];
  const Value* direct = nullptr;
  switch (EvalDirect(item, &direct)) {
    case Direct::kValue:
      vals[i] = direct;
      return EvalInto(items, i + 1, vals, k);
    case Direct::kUndefined:
      return Flow::kContinue;
    case Direct::kComplex:
      break;
  }
  return EvalTerm(item, [&](const Value& v) -> Flow {
    vals[i] = &v;
    return EvalInto(items, i + 1, vals, k);
  });
}

Flow Evaluator::EvalEntries(const ir::Term& t, size_t i, EntryRef* vals, Cont k) {
  if (i == t.entries.size()) return k();
  return EvalTerm(t.entries[i].first, [&](const Value& key) -> Flow {
    return EvalTerm(t.entries[i].second, [&](const Value& val) -> Flow {
      vals[i].first = &key;
      vals[i].second = &val;
      return EvalEntries(t, i + 1, vals, k);
    });
  });
}

Flow Evaluator::EvalComprehension(const ir::Term& t, ValueCont k) {
  SmallVector<Value, 8> items;
  // Object comprehensions: entries in a stack buffer, a repeated key found by
  // a linear scan while they are few (most build a handful of entries); a
  // map indexes them from kIndexFrom on.
  constexpr size_t kIndexFrom = 16;
  SmallVector<ObjectEntry, 8> entries;
  std::map<Value, size_t, ValueLess> index;
  auto add_entry = [&](const Value& key, const Value& val) -> Flow {
    const Value* existing = nullptr;
    if (entries.size() < kIndexFrom) {
      for (size_t i = 0; i < entries.size(); ++i) {
        if (entries.data()[i].first == key) {
          existing = &entries.data()[i].second;
          break;
        }
      }
    } else {
      if (index.empty()) {
        for (size_t i = 0; i < entries.size(); ++i) index.emplace(entries.data()[i].first, i);
      }
      auto it = index.find(key);
      if (it != index.end()) existing = &entries.data()[it->second].second;
    }
    if (existing != nullptr) {
      if (*existing != val) return Fail(Status::ConflictError("object keys must be unique", t.loc));
      return Flow::kContinue;
    }
    if (!index.empty()) index.emplace(key, entries.size());
    entries.push_back(ObjectEntry(key, val));
    return Flow::kContinue;
  };
  Flow f = EvalBody(*t.body, 0, [&]() -> Flow {
    if (t.op == ir::TermOp::kObjectCompr) {
      return EvalTerm(t.items[0], [&](const Value& key) -> Flow {
        return EvalTerm(t.items[1], [&](const Value& val) -> Flow { return add_entry(key, val); });
      });
    }
    return EvalTerm(t.items[0], [&](const Value& v) -> Flow {
      items.push_back(v);
      return Flow::kContinue;
    });
  });
  if (f == Flow::kError) return f;
  switch (t.op) {
    case ir::TermOp::kArrayCompr:
      return k(Value::ArrayFrom(items.span()));
    case ir::TermOp::kSetCompr:
      return k(Value::SetFrom(items.span()));
    default:
      return k(Value::ObjectFrom(entries.span()));  // sorts by key
  }
}

Flow Evaluator::EvalTemplate(const ir::Term& t, ValueCont k) {
  std::string out;
  for (const auto& part : t.items) {
    if (part.is_const() && part.value.is_string()) {
      out += part.value.str();
      continue;
    }
    // Each embedded expression contributes its first value; an undefined
    // one shows as <undefined>.
    Value first;
    Flow f;
    if (part.first_of) {
      f = EvalBody(*part.body, 0, [&]() -> Flow {
        return EvalTerm(part.items[0], [&](const Value& v) -> Flow {
          first = v;
          return Flow::kStop;
        });
      });
    } else {
      f = EvalTerm(part, [&](const Value& v) -> Flow {
        first = v;
        return Flow::kStop;
      });
    }
    if (f == Flow::kError) return f;
    if (first.is_undefined()) {
      out += "<undefined>";
      continue;
    }
    out += FormatForPrint(first);
  }
  return k(Value::String(std::move(out)));
}

// ---- calls ------------------------------------------------------------------------

Flow Evaluator::EvalCall(const ir::Term& t, ValueCont k) {
  const ir::Callable* c = t.callee;
  if (c->kind == ir::Callable::Kind::kPrint) return CallPrint(t, k);
  if (t.single && IsGround(t)) {
    // One value (compile/steps.h): computed without continuations, its
    // temporaries released once k has run.
    const size_t mark = temps_.Mark();
    const Value* v = nullptr;
    Flow f = Flow::kContinue;
    switch (CallValue(t, &v)) {
      case Got::kValue: f = k(*v); break;
      case Got::kUndefined: break;
      case Got::kError: f = Flow::kError; break;
    }
    temps_.PopTo(mark);
    return f;
  }
  // Arguments live on the stack for the common arities (no allocation),
  // as aliases of their values (no reference counting; see ArgAliases).
  const size_t n = t.items.size();
  ArgAliases<6> argv(n);
  // Most arguments need no continuation (EvalDirect): then call at once.
  {
    bool undefined = false;
    size_t i = 0;
    for (; i < n; ++i) {
      const Value* v = nullptr;
      Direct d = EvalDirect(t.items[i], &v);
      if (d == Direct::kComplex) break;
      if (d == Direct::kUndefined) {
        undefined = true;  // the general path would stop here too
      } else {
        argv.Set(i, *v);
      }
    }
    if (i == n) return undefined ? Flow::kContinue : CallWithArgs(c, t, argv.span(), k);
  }
  // Arguments that enumerate (refs with unbound variables) go first, so
  // the others can read what they bind (`foo == input.foos[foo]`); bare
  // variables bound that way go last. Each argument is classified once;
  // when all are ground (nearly always) the order is the written one.
  InlineBuffer<uint8_t, 6> order_buf(n), class_buf(n);
  uint8_t* order = order_buf.data();
  uint8_t* cls = class_buf.data();
  enum : uint8_t { kEnumerates = 0, kGround = 1, kUnboundLocal = 2 };
  bool all_ground = true;
  for (size_t i = 0; i < n; ++i) {
    const ir::Term& a = t.items[i];
    if (!a.has_vars) cls[i] = kGround;
    else if (a.is_local()) cls[i] = frame_[a.slot] != nullptr ? kGround : kUnboundLocal;
    else cls[i] = IsGround(a) ? kGround : kEnumerates;
    all_ground &= cls[i] == kGround;
    order[i] = static_cast<uint8_t>(i);
  }
  if (!all_ground) {
    size_t m = 0;
    for (uint8_t c = kEnumerates; c <= kUnboundLocal; ++c) {
      for (size_t i = 0; i < n; ++i) {
        if (cls[i] == c) order[m++] = static_cast<uint8_t>(i);
      }
    }
  }
  struct Rec {
    Evaluator* ev;
    const ir::Term& t;
    const uint8_t* order;
    ArgAliases<6>& argv;
    size_t n;
    Flow Go(size_t i, Cont k) {
      if (i == n) return k();
      const ir::Term& arg = t.items[order[i]];
      if (arg.op == ir::TermOp::kConst) {
        argv.Set(order[i], arg.value);
        return Go(i + 1, k);
      }
      return ev->EvalTerm(arg, [&](const Value& v) -> Flow {
        argv.Set(order[i], v);
        return Go(i + 1, k);
      });
    }
  } rec{this, t, order, argv, n};
  return rec.Go(0, [&]() -> Flow { return CallWithArgs(c, t, argv.span(), k); });
}

Flow Evaluator::CallWithArgs(const ir::Callable* c, const ir::Term& t, std::span<const Value> args,
                             ValueCont k) {
  for (auto it = fn_overrides_.rbegin(); it != fn_overrides_.rend(); ++it) {
    if (it->name != c->name) continue;
    if (it->replacement) {
      if (it->replacement == c) break;
      // A replacement runs without any mocks in force: it may call the
      // original, and mocks never call other mocks.
      const ir::Callable* replacement = it->replacement;
      std::vector<FnOverride> saved = std::move(fn_overrides_);
      fn_overrides_.clear();
      Flow f = CallWithArgs(replacement, t, args, k);
      fn_overrides_ = std::move(saved);
      return f;
    }
    Value v = it->value;
    return k(v);
  }
  switch (c->kind) {
    case ir::Callable::Kind::kBuiltin:
      return CallBuiltin(c, t, args, k);
    case ir::Callable::Kind::kFunction:
      return CallFunction(c->node, t, args, k);
    case ir::Callable::Kind::kMember2: {
      const Value& x = args[0];
      const Value& xs = args[1];
      bool found = false;
      if (xs.is_set()) {
        found = xs.Contains(x);
      } else if (xs.is_array()) {
        for (const auto& v : xs.array()) if (v == x) { found = true; break; }
      } else if (xs.is_object()) {
        for (const auto& [key, v] : xs.object()) if (v == x) { found = true; break; }
      }
      return k(Value::Bool(found));
    }
    case ir::Callable::Kind::kMember3: {
      const Value& key = args[0];
      const Value& val = args[1];
      const Value& xs = args[2];
      bool found = false;
      if (xs.is_array() || xs.is_object()) {
        Value got = xs.Get(key);
        found = got.defined() && got == val;
      } else if (xs.is_set()) {
        found = key == val && xs.Contains(val);
      }
      return k(Value::Bool(found));
    }
    case ir::Callable::Kind::kTrace:
      return k(Value::Bool(true));
    case ir::Callable::Kind::kEqual:
      return k(Value::Bool(args[0] == args[1]));
    case ir::Callable::Kind::kPrint:
      return k(Value::Bool(true));
  }
  return Flow::kContinue;
}

Flow Evaluator::BuiltinResult(const ir::Callable* c, const ir::Term& t,
                              std::span<const Value> args, Value* out) {
  const builtins::Builtin* b = c->builtin;
  Status s = b->fn(bctx_, args, out);
  if (s.ok()) return Flow::kContinue;
  *out = Value();
  if (s.code() == StatusCode::kEvalCancelError) return Fail(std::move(s));
  if (!options_.strict_builtin_errors && s.code() != StatusCode::kEvalConflictError) {
    return Flow::kContinue;  // undefined, as OPA outside strict mode
  }
  return Fail(Status(s.code(), b->name + ": " + std::string(s.message()), t.loc));
}

Flow Evaluator::CallBuiltin(const ir::Callable* c, const ir::Term& t, std::span<const Value> args,
                            ValueCont k) {
  const builtins::Builtin* b = c->builtin;
  Value out;
  if (BuiltinResult(c, t, args, &out) == Flow::kError) return Flow::kError;
  if (out.is_undefined()) return Flow::kContinue;
  if (b->relation) {
    if (!out.is_array()) return Flow::kContinue;
    for (const auto& v : out.array()) {
      Flow f = k(v);
      if (f != Flow::kContinue) return f;
    }
    return Flow::kContinue;
  }
  return k(out);
}

Flow Evaluator::CallPrint(const ir::Term& t, ValueCont k) {
  std::string line;
  for (size_t i = 0; i < t.items.size(); ++i) {
    if (i) line += ' ';
    // Every value of an argument is printed, as a set when there are
    // several; an undefined argument prints as <undefined>.
    std::vector<Value> vals;
    Flow f = EvalTerm(t.items[i], [&](const Value& v) -> Flow {
      vals.push_back(v);
      return Flow::kContinue;
    });
    if (f == Flow::kError) return f;
    if (vals.empty()) line += "<undefined>";
    else if (vals.size() == 1) line += FormatForPrint(vals[0]);
    else line += ToRegoString(Value::Set(std::move(vals)));
  }
  if (options_.print) options_.print(line);
  return k(Value::Bool(true));
}

}  // namespace fedra::eval
