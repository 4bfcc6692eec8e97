# Health checks: long-running containers declare readiness and liveness probes.
package k8s.pods.probes

import data.lib.k8s

long_running if k8s.kind in {"Deployment", "StatefulSet", "DaemonSet"}

violation(id, c, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s container %q: %s", [id, c.name, msg]),
}

deny contains v if {
	long_running
	some c in k8s.containers
	not c.readinessProbe
	v := violation("PRB-001", c, "no readinessProbe")
}

deny contains v if {
	long_running
	some c in k8s.containers
	not c.livenessProbe
	v := violation("PRB-002", c, "no livenessProbe")
}

warn contains msg if {
	long_running
	some c in k8s.containers
	c.livenessProbe == c.readinessProbe
	msg := sprintf("container %q: liveness and readiness probes are identical", [c.name])
}

warn contains msg if {
	some c in k8s.containers
	delay := object.get(c, ["livenessProbe", "initialDelaySeconds"], 0)
	delay > 300
	msg := sprintf("container %q: liveness probe waits %ds", [c.name, delay])
}
