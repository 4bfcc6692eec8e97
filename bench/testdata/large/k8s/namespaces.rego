# Namespaces: owned by a known team, labelled for Pod Security Admission.
package k8s.namespaces

import data.config
import data.lib.k8s
import data.lib.util

is_namespace if k8s.kind == "Namespace"

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	is_namespace
	missing := util.missing_keys({"team", "env"}, k8s.labels)
	count(missing) > 0
	v := violation("NS-001", sprintf("missing labels: %s", [util.format_list(missing)]))
}

deny contains v if {
	is_namespace
	util.any_prefix(k8s.name, config.reserved_namespace_prefixes)
	not k8s.is_system_user
	v := violation("NS-002", "this prefix is reserved for the platform")
}

deny contains v if {
	is_namespace
	k8s.labels.env == "prod"
	level := object.get(k8s.labels, "pod-security.kubernetes.io/enforce", "privileged")
	not level in {"baseline", "restricted"}
	v := violation("NS-003", sprintf("production namespaces enforce baseline or restricted, not %s", [level]))
}

known_teams := {ns.team | some ns in config.namespaces}

deny contains v if {
	is_namespace
	team := k8s.labels.team
	not team in known_teams
	v := violation("NS-004", sprintf("unknown team %s", [team]))
}
