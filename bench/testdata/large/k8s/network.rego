# Network policies: no allow-all rules, no route to the metadata service.
package k8s.network

import data.config
import data.lib.k8s

is_policy if k8s.kind == "NetworkPolicy"

spec := k8s.obj.spec

violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	is_policy
	some i, rule in object.get(spec, "ingress", [])
	count(object.get(rule, "from", [])) == 0
	v := violation("NET-001", sprintf("ingress rule %d allows every source", [i]))
}

deny contains v if {
	is_policy
	some direction in ["ingress", "egress"]
	some rule in object.get(spec, direction, [])
	some peer in array.concat(object.get(rule, "from", []), object.get(rule, "to", []))
	peer.ipBlock.cidr in {"0.0.0.0/0", "::/0"}
	v := violation("NET-002", sprintf("%s to or from the whole internet", [direction]))
}

deny contains v if {
	is_policy
	some rule in object.get(spec, "egress", [])
	some peer in object.get(rule, "to", [])
	block := peer.ipBlock
	net.cidr_contains(block.cidr, config.metadata_address)
	excepted := [e | some e in object.get(block, "except", []); net.cidr_contains(e, config.metadata_address)]
	count(excepted) == 0
	v := violation("NET-003", sprintf("egress to %s reaches the metadata service", [block.cidr]))
}

deny contains v if {
	is_policy
	not spec.policyTypes
	v := violation("NET-004", "policyTypes must be explicit")
}
