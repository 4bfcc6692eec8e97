// graph.reachable and graph.reachable_paths.
//
// A graph is an object from node to its neighbours (an array or a set; any
// other value means "no neighbours"). Nodes missing from the object have no
// edges and are not reached.
//
// graph.reachable_paths reproduces OPA's depth-first walk exactly, since its
// result depends on visiting order: each neighbour of a start node begins a
// walk with its own visited set (seeded with the start node) that the whole
// walk shares; a node joins the set when the walk first moves on from it,
// and meeting a visited neighbour ends the current path there. The walk uses
// an explicit stack, so long chains cannot exhaust the C++ stack.
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

#include "builtins/misc_internal.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

constexpr uint64_t kCancelPollInterval = 4096;

using NodeSet = std::unordered_set<Value, ValueHash>;

// The vertices of an edge collection (none unless an array or a set).
std::span<const Value> Vertices(const Value& edges) {
  if (edges.is_array()) return edges.array();
  if (edges.is_set()) return edges.set();
  return {};
}

Status GraphOperands(std::span<const Value> args) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  if (!args[1].is_array() && !args[1].is_set()) {
    return OperandTypeError(2, args[1], "{array, set}");
  }
  return Status::OK();
}

Status Poll(Context& ctx, uint64_t* steps) {
  if (++*steps % kCancelPollInterval == 0 && ctx.check_cancel) return ctx.check_cancel();
  return Status::OK();
}

// Breadth-first: the set of nodes reachable from the initial ones.
Status Reachable(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(GraphOperands(args));
  const Value& graph = args[0];
  auto initial = Vertices(args[1]);
  std::deque<Value> queue(initial.begin(), initial.end());
  NodeSet reached;
  uint64_t steps = 0;
  while (!queue.empty()) {
    Value node = std::move(queue.front());
    queue.pop_front();
    FEDRA_RETURN_IF_ERROR(Poll(ctx, &steps));
    // A node already reached has already queued its neighbours.
    if (reached.count(node)) continue;
    const Value* edges = graph.Find(node);
    if (edges == nullptr) continue;
    for (const Value& n : Vertices(*edges)) {
      if (!reached.count(n)) queue.push_back(n);
    }
    reached.insert(std::move(node));
  }
  *out = Value::Set(std::vector<Value>(reached.begin(), reached.end()));
  return Status::OK();
}

struct PathFrame {
  Value node;   // the node whose neighbours are being visited
  Value edges;  // graph[node], an array or set with at least one vertex
  size_t next = 0;
};

// OPA's pathBuilder for one neighbour `first` of start node `start`.
Status WalkPaths(Context& ctx, const Value& graph, const Value& start, const Value& first,
                 std::vector<Value>* results, uint64_t* steps) {
  NodeSet reached{start};
  std::vector<Value> path{start};
  std::vector<PathFrame> stack;
  auto commit = [&] { results->push_back(Value::Array(path)); };
  // Steps onto `node`: commits a finished path, or pushes a frame.
  auto enter = [&](const Value& node) -> Status {
    const Value* edges = graph.Find(node);
    if (edges == nullptr) {
      commit();  // not in the graph: the path ends before it
      return Status::OK();
    }
    path.push_back(node);
    if (Vertices(*edges).empty()) {
      commit();
      path.pop_back();
      return Status::OK();
    }
    if (stack.size() >= static_cast<size_t>(kMaxDepth)) {
      return Status::LimitExceeded("graph path longer than " + std::to_string(kMaxDepth) +
                                   " nodes");
    }
    stack.push_back({node, *edges, 0});
    return Status::OK();
  };
  FEDRA_RETURN_IF_ERROR(enter(first));
  while (!stack.empty()) {
    FEDRA_RETURN_IF_ERROR(Poll(ctx, steps));
    PathFrame& f = stack.back();
    auto vertices = Vertices(f.edges);
    if (f.next >= vertices.size()) {
      stack.pop_back();
      path.pop_back();
      continue;
    }
    Value neighbour = vertices[f.next++];
    if (reached.count(neighbour)) {
      commit();
    } else {
      reached.insert(f.node);
      FEDRA_RETURN_IF_ERROR(enter(neighbour));  // may invalidate f
    }
  }
  return Status::OK();
}

Status ReachablePaths(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(GraphOperands(args));
  const Value& graph = args[0];
  std::vector<Value> results;
  uint64_t steps = 0;
  for (const Value& node : Vertices(args[1])) {
    const Value* edges = graph.Find(node);
    if (edges == nullptr) continue;
    auto neighbours = Vertices(*edges);
    if (neighbours.empty()) {
      results.push_back(Value::Array({node}));
      continue;
    }
    for (const Value& n : neighbours) {
      FEDRA_RETURN_IF_ERROR(WalkPaths(ctx, graph, node, n, &results, &steps));
    }
  }
  *out = Value::Set(std::move(results));
  return Status::OK();
}

}  // namespace

void RegisterGraph(Registry& r) {
  r.Add("graph.reachable", 2, Reachable);
  r.Add("graph.reachable_paths", 2, ReachablePaths);
}

}  // namespace fedra::builtins
