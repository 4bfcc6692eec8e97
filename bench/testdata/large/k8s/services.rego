# Services: no node ports, internal load balancers only.
package k8s.services

import data.config
import data.lib.k8s

is_service if k8s.kind == "Service"

spec := k8s.obj.spec

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	is_service
	spec.type == "NodePort"
	v := violation("SVC-001", "NodePort services are not allowed")
}

internal_annotations := {
	"networking.gke.io/load-balancer-type": "Internal",
	"service.beta.kubernetes.io/aws-load-balancer-internal": "true",
	"service.beta.kubernetes.io/azure-load-balancer-internal": "true",
}

internal if {
	some key, value in internal_annotations
	k8s.annotations[key] == value
}

deny contains v if {
	is_service
	spec.type == "LoadBalancer"
	not internal
	not k8s.namespace in config.public_namespaces
	v := violation("SVC-002", "load balancers must be internal outside the public namespaces")
}

deny contains v if {
	is_service
	count(object.get(spec, "externalIPs", [])) > 0
	v := violation("SVC-003", "externalIPs are not allowed (CVE-2020-8554)")
}

deny contains v if {
	is_service
	object.get(spec, "type", "ClusterIP") != "ExternalName"
	count(object.get(spec, "selector", {})) == 0
	v := violation("SVC-004", "a service without a selector must be ExternalName")
}

deny contains v if {
	is_service
	ports := object.get(spec, "ports", [])
	count(ports) > 1
	unnamed := [p.port | some p in ports; not p.name]
	count(unnamed) > 0
	v := violation("SVC-005", sprintf("ports %v need names", [unnamed]))
}
