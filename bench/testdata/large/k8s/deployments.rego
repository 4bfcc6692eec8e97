# Workload controllers: availability rules that depend on the namespace tier.
package k8s.deployments

import data.config
import data.lib.k8s
import data.lib.util

tier := object.get(config.namespaces, [k8s.namespace, "tier"], "standard")

spec := k8s.obj.spec

replicas := object.get(spec, "replicas", 1)

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

replicated_kinds := {"Deployment", "StatefulSet"}

deny contains v if {
	k8s.kind in replicated_kinds
	min := config.tiers[tier].min_replicas
	replicas < min
	v := violation("DEP-001", sprintf("%d replicas, tier %s needs at least %d", [replicas, tier, min]))
}

deny contains v if {
	k8s.is_workload
	selector := object.get(spec, ["selector", "matchLabels"], {})
	not util.selects(selector, k8s.pod_labels)
	v := violation("DEP-002", "spec.selector does not select the pod template's labels")
}

deny contains v if {
	k8s.kind == "Deployment"
	tier == "critical"
	object.get(spec, ["strategy", "type"], "RollingUpdate") == "Recreate"
	v := violation("DEP-003", "critical workloads must use RollingUpdate")
}

deny contains v if {
	k8s.kind == "Deployment"
	limit := object.get(spec, "revisionHistoryLimit", 10)
	limit > 10
	v := violation("DEP-004", sprintf("revisionHistoryLimit %d is above 10", [limit]))
}

spreads if count(object.get(k8s.pod_spec, "topologySpreadConstraints", [])) > 0

spreads if k8s.pod_spec.affinity.podAntiAffinity

deny contains v if {
	k8s.kind in replicated_kinds
	tier == "critical"
	replicas > 1
	not spreads
	v := violation("DEP-005", "replicas of a critical workload must spread (topologySpreadConstraints or podAntiAffinity)")
}

deny contains v if {
	k8s.is_update
	k8s.is_workload
	old := object.get(k8s.old_obj, ["spec", "selector"], {})
	old != object.get(spec, "selector", {})
	v := violation("DEP-006", "spec.selector is immutable")
}

warn contains msg if {
	k8s.kind == "Deployment"
	surge := object.get(spec, ["strategy", "rollingUpdate", "maxUnavailable"], "25%")
	surge == "100%"
	msg := sprintf("%s: maxUnavailable 100%% takes every replica down at once", [k8s.resource_id])
}
