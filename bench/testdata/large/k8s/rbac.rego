# RBAC: no wildcards, no secret readers, no privilege escalation paths.
package k8s.rbac

import data.config
import data.lib.k8s

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

is_role if k8s.kind in role_kinds

is_binding if k8s.kind in binding_kinds

rules := object.get(k8s.obj, "rules", [])

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	is_role
	some i, rule in rules
	"*" in rule.verbs
	v := violation("RBAC-001", sprintf("rule %d grants every verb", [i]))
}

deny contains v if {
	is_role
	some i, rule in rules
	"*" in object.get(rule, "resources", [])
	v := violation("RBAC-002", sprintf("rule %d grants every resource", [i]))
}

read_verbs := {"get", "list", "watch"}

deny contains v if {
	is_role
	not k8s.name in config.secret_readers
	some i, rule in rules
	"secrets" in object.get(rule, "resources", [])
	verbs := {verb | some verb in rule.verbs} & read_verbs
	count(verbs) > 0
	v := violation("RBAC-003", sprintf("rule %d reads secrets (%s)", [i, concat(", ", sort(verbs))]))
}

escalation_verbs := {"escalate", "bind", "impersonate"}

deny contains v if {
	is_role
	some i, rule in rules
	some verb in rule.verbs
	verb in escalation_verbs
	v := violation("RBAC-004", sprintf("rule %d grants %s", [i, verb]))
}

deny contains v if {
	is_binding
	k8s.obj.roleRef.name == "cluster-admin"
	not k8s.is_cluster_admin
	v := violation("RBAC-005", "only cluster administrators bind cluster-admin")
}

anonymous := {"system:anonymous", "system:unauthenticated"}

deny contains v if {
	is_binding
	some subject in object.get(k8s.obj, "subjects", [])
	subject.name in anonymous
	v := violation("RBAC-006", sprintf("binds %s", [subject.name]))
}

deny contains v if {
	is_binding
	some subject in object.get(k8s.obj, "subjects", [])
	subject.kind == "ServiceAccount"
	ns := object.get(subject, "namespace", k8s.namespace)
	ns != k8s.namespace
	k8s.kind == "RoleBinding"
	v := violation("RBAC-007", sprintf("binds service account %s/%s from another namespace", [ns, subject.name]))
}
