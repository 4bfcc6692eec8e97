# An admission policy for Pods, in the Gatekeeper convention Fedra follows:
# input.review is the AdmissionRequest, input.parameters the policy's
# parameters, and every rule yields `violation contains {"msg": ...}`.
# `decision` sums them up for callers that want one answer.
#
#   fedra eval -d examples/admission/admission.rego \
#     -i examples/admission/input.json 'data.fedra.examples.admission.decision'
package fedra.examples.admission

params := input.parameters

# The Pod under review; undefined for other kinds, so no rule fires.
pod := input.review.object if input.review.kind.kind == "Pod"

exempt if input.review.namespace in params.exemptNamespaces

containers contains c if some c in pod.spec.containers

containers contains c if some c in pod.spec.initContainers

# 1. Images come from an allowed registry.
violation contains {"msg": msg, "details": {"container": c.name, "image": c.image}} if {
	some c in containers
	not from_allowed_registry(c.image)
	msg := sprintf("container %q: image %q is not from an allowed registry (%s)", [
		c.name, c.image, concat(", ", params.allowedRegistries),
	])
}

from_allowed_registry(image) if {
	some registry in params.allowedRegistries
	startswith(image, registry)
}

# 2. Required labels are present.
violation contains {"msg": msg, "details": {"label": label}} if {
	some label in params.requiredLabels
	not pod.metadata.labels[label]
	msg := sprintf("pod %q is missing required label %q", [pod.metadata.name, label])
}

# 3. Every container sets CPU and memory limits.
violation contains {"msg": msg, "details": {"container": c.name, "resource": resource}} if {
	some c in containers
	some resource in ["cpu", "memory"]
	not c.resources.limits[resource]
	msg := sprintf("container %q has no %s limit", [c.name, resource])
}

# 4. No privileged containers.
violation contains {"msg": msg, "details": {"container": c.name}} if {
	some c in containers
	c.securityContext.privileged == true
	msg := sprintf("container %q must not run privileged", [c.name])
}

# 5. No hostPath volumes.
violation contains {"msg": msg, "details": {"volume": v.name}} if {
	some v in pod.spec.volumes
	v.hostPath
	msg := sprintf("volume %q mounts host path %q", [v.name, v.hostPath.path])
}

# 6. Containers run as non-root, set on the container or inherited from the Pod.
violation contains {"msg": msg, "details": {"container": c.name}} if {
	some c in containers
	not runs_as_non_root(c)
	msg := sprintf("container %q must set securityContext.runAsNonRoot to true", [c.name])
}

runs_as_non_root(c) if c.securityContext.runAsNonRoot == true

runs_as_non_root(c) if {
	pod.spec.securityContext.runAsNonRoot == true
	not c.securityContext.runAsNonRoot == false
}

# 7. Images are pinned: no `latest` tag, no missing tag.
violation contains {"msg": msg, "details": {"container": c.name, "image": c.image}} if {
	some c in containers
	unpinned(c.image)
	msg := sprintf("container %q: image %q must use a pinned tag or digest, not latest", [
		c.name, c.image,
	])
}

unpinned(image) if endswith(image, ":latest")

unpinned(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
}

# 8. No privilege escalation.
violation contains {"msg": msg, "details": {"container": c.name}} if {
	some c in containers
	not c.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("container %q must set securityContext.allowPrivilegeEscalation to false", [c.name])
}

# 9. No host namespaces.
violation contains {"msg": msg, "details": {"field": field}} if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	pod.spec[field] == true
	msg := sprintf("pod %q must not set spec.%s", [pod.metadata.name, field])
}

# 10. Added Linux capabilities are on the allowed list.
violation contains {"msg": msg, "details": {"container": c.name, "capability": cap}} if {
	some c in containers
	some cap in c.securityContext.capabilities.add
	not cap in params.allowedCapabilities
	msg := sprintf("container %q adds capability %s, which is not allowed", [c.name, cap])
}

decision := {"allowed": true, "exempt": true, "violations": []} if exempt

decision := {
	"allowed": count(violation) == 0,
	"exempt": false,
	"violations": sort([v.msg | some v in violation]),
} if not exempt
