# Ingresses: TLS everywhere, hosts under the company's domains.
package k8s.ingress

import data.config
import data.lib.k8s
import data.lib.util

is_ingress if k8s.kind == "Ingress"

spec := k8s.obj.spec

hosts := {rule.host | some rule in object.get(spec, "rules", []); rule.host}

tls_hosts := {host | some tls in object.get(spec, "tls", []); some host in tls.hosts}

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	is_ingress
	count(object.get(spec, "tls", [])) == 0
	v := violation("ING-001", "TLS is required")
}

deny contains v if {
	is_ingress
	some host in hosts
	not util.any_suffix(host, config.ingress_domains)
	v := violation("ING-002", sprintf("host %s is not under %s", [host, util.format_list(config.ingress_domains)]))
}

deny contains v if {
	is_ingress
	some host in hosts
	startswith(host, "*.")
	v := violation("ING-003", sprintf("wildcard host %s", [host]))
}

deny contains v if {
	is_ingress
	count(tls_hosts) > 0
	uncovered := hosts - tls_hosts
	count(uncovered) > 0
	v := violation("ING-004", sprintf("hosts without a certificate: %s", [util.format_list(uncovered)]))
}

deny contains v if {
	is_ingress
	not spec.ingressClassName
	not k8s.annotations["kubernetes.io/ingress.class"]
	v := violation("ING-005", "no ingress class")
}

# Another team's namespace already serves this host.
deny contains v if {
	is_ingress
	some host in hosts
	owner := config.ingress_hosts[host]
	owner != k8s.namespace
	v := violation("ING-006", sprintf("host %s belongs to namespace %s", [host, owner]))
}
