# The admission decision: every package's violations, minus exemptions, as an
# AdmissionReview response.
package k8s.admission

import data.config
import data.k8s.deployments
import data.k8s.images
import data.k8s.ingress
import data.k8s.labels
import data.k8s.namespaces
import data.k8s.network
import data.k8s.pods
import data.k8s.rbac
import data.k8s.services
import data.lib.k8s

found contains v if some v in pods.security.deny

found contains v if some v in pods.resources.deny

found contains v if some v in pods.probes.deny

found contains v if some v in images.deny

found contains v if some v in deployments.deny

found contains v if some v in services.deny

found contains v if some v in ingress.deny

found contains v if some v in rbac.deny

found contains v if some v in network.deny

found contains v if some v in namespaces.deny

found contains v if some v in labels.deny

# The owning team's own rules.
team := config.namespaces[k8s.namespace].team

found contains v if {
	some v in data.teams[team].deny
}

violations := {v | some v in found; not k8s.exempt(v.id)}

warnings contains msg if some msg in pods.probes.warn

warnings contains msg if some msg in images.warn

warnings contains msg if some msg in deployments.warn

warnings contains msg if {
	some v in found
	k8s.exempt(v.id)
	msg := sprintf("exempted: %s", [v.msg])
}

skip if k8s.namespace in config.unmanaged_namespaces

skip if k8s.is_system_user

counts := {id: n |
	some id in {v.id | some v in violations}
	n := count([v | some v in violations; v.id == id])
}

response := {
	"uid": input.request.uid,
	"allowed": true,
} if {
	skip
} else := {
	"uid": input.request.uid,
	"allowed": count(violations) == 0,
	"status": {
		"code": 403,
		"message": concat("\n", sort([v.msg | some v in violations])),
	},
	"warnings": sort([msg | some msg in warnings]),
	"counts": counts,
} if {
	count(violations) > 0
} else := {
	"uid": input.request.uid,
	"allowed": true,
	"warnings": sort([msg | some msg in warnings]),
}
