# Resource requests and limits: every container declares both, within the
# bounds of its namespace's tier.
package k8s.pods.resources

import data.config
import data.lib.k8s
import data.lib.quantities as q

tier := object.get(config.namespaces, [k8s.namespace, "tier"], "standard")

bounds := config.tiers[tier]

violation(id, c, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s %q: %s", [id, k8s.container_role(c), c.name, msg]),
}

deny contains v if {
	some c in k8s.containers
	missing := {r | some r in ["cpu", "memory"]; not q.has_limit(c, r)}
	count(missing) > 0
	v := violation("RES-001", c, sprintf("no limit for %s", [concat(", ", sort(missing))]))
}

deny contains v if {
	some c in k8s.containers
	missing := {r | some r in ["cpu", "memory"]; not q.has_request(c, r)}
	count(missing) > 0
	v := violation("RES-002", c, sprintf("no request for %s", [concat(", ", sort(missing))]))
}

deny contains v if {
	some c in k8s.all_containers
	millis := q.cpu_millis(q.limit(c, "cpu"))
	millis > bounds.max_cpu_millis
	v := violation("RES-003", c, sprintf("cpu limit %dm exceeds %dm for tier %s", [millis, bounds.max_cpu_millis, tier]))
}

deny contains v if {
	some c in k8s.all_containers
	bytes := q.memory_bytes(q.limit(c, "memory"))
	bytes > bounds.max_memory_bytes
	v := violation("RES-004", c, sprintf("memory limit %s exceeds %s for tier %s", [
		q.format_bytes(bytes),
		q.format_bytes(bounds.max_memory_bytes),
		tier,
	]))
}

deny contains v if {
	some c in k8s.containers
	limit := q.cpu_millis(q.limit(c, "cpu"))
	request := q.cpu_millis(q.request(c, "cpu"))
	request > 0
	limit / request > bounds.max_cpu_ratio
	v := violation("RES-005", c, sprintf("cpu limit is %v times the request (at most %v)", [limit / request, bounds.max_cpu_ratio]))
}

deny contains v if {
	some c in k8s.containers
	limit := q.memory_bytes(q.limit(c, "memory"))
	request := q.memory_bytes(q.request(c, "memory"))
	limit != request
	tier == "critical"
	v := violation("RES-006", c, "memory request must equal the limit in critical namespaces")
}

total_cpu_millis := sum([q.cpu_millis(q.request(c, "cpu")) | some c in k8s.containers; q.has_request(c, "cpu")])

replicas := object.get(k8s.obj, ["spec", "replicas"], 1)

deny contains v if {
	k8s.is_workload
	total := total_cpu_millis * replicas
	total > bounds.max_workload_cpu_millis
	v := {
		"id": "RES-007",
		"resource": k8s.resource_id,
		"msg": sprintf("RES-007 %s: requests %dm of cpu in total, the tier allows %dm", [k8s.resource_id, total, bounds.max_workload_cpu_millis]),
	}
}
