# Labels and annotations every namespaced object carries.
package k8s.labels

import data.config
import data.lib.k8s
import data.lib.util

labelled_kinds := {"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Service", "Ingress"}

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	k8s.kind in labelled_kinds
	missing := util.missing_keys(config.required_labels, k8s.labels)
	count(missing) > 0
	v := violation("LBL-001", sprintf("missing labels: %s", [util.format_list(missing)]))
}

deny contains v if {
	k8s.kind in labelled_kinds
	some key, value in k8s.labels
	key in config.dns_label_keys
	not util.dns_label(value)
	v := violation("LBL-002", sprintf("label %s=%q is not a DNS label", [key, value]))
}

deny contains v if {
	k8s.kind in labelled_kinds
	owner := k8s.annotations["corp.example/owner"]
	not util.email(owner)
	v := violation("LBL-003", sprintf("owner %q is not an email address", [owner]))
}

deny contains v if {
	k8s.has_pod_spec
	not k8s.pod_labels["app.kubernetes.io/name"]
	v := violation("LBL-004", "the pod template has no app.kubernetes.io/name label")
}

deny contains v if {
	k8s.kind in labelled_kinds
	cc := k8s.labels["cost-center"]
	not cc in config.cost_centers
	v := violation("LBL-005", sprintf("unknown cost center %s", [cc]))
}
