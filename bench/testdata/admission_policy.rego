# Benchmark workload 1: a 10-rule Pod admission policy in the Gatekeeper
# convention (input.review is the AdmissionRequest, input.parameters the
# constraint's parameters, every rule adds `{"msg": ...}` to `violation`).
# Paired with admission_input.json, which trips 9 of the 10 rules once each;
# eval_bench.cc checks that count before it measures anything.
package bench.admission

params := input.parameters

pod := input.review.object

containers contains c if some c in pod.spec.containers

containers contains c if some c in pod.spec.initContainers

# 1. Images come from an allowed registry.
violation contains {"msg": msg} if {
	some c in containers
	not allowed_registry(c.image)
	msg := sprintf("container %q: image %q is not from an allowed registry", [c.name, c.image])
}

allowed_registry(image) if {
	some registry in params.allowedRegistries
	startswith(image, registry)
}

# 2. Required labels are present.
violation contains {"msg": msg} if {
	some label in params.requiredLabels
	not pod.metadata.labels[label]
	msg := sprintf("pod %q is missing required label %q", [pod.metadata.name, label])
}

# 3. Every container sets CPU and memory limits.
violation contains {"msg": msg} if {
	some c in containers
	some resource in ["cpu", "memory"]
	not c.resources.limits[resource]
	msg := sprintf("container %q has no %s limit", [c.name, resource])
}

# 4. No privileged containers.
violation contains {"msg": msg} if {
	some c in containers
	c.securityContext.privileged == true
	msg := sprintf("container %q must not run privileged", [c.name])
}

# 5. No hostPath volumes.
violation contains {"msg": msg} if {
	some v in pod.spec.volumes
	v.hostPath
	msg := sprintf("volume %q mounts host path %q", [v.name, v.hostPath.path])
}

# 6. Containers run as non-root, set on the container or inherited from the Pod.
violation contains {"msg": msg} if {
	some c in containers
	not runs_as_non_root(c)
	msg := sprintf("container %q must run as non-root", [c.name])
}

runs_as_non_root(c) if c.securityContext.runAsNonRoot == true

runs_as_non_root(c) if {
	pod.spec.securityContext.runAsNonRoot == true
	not c.securityContext.runAsNonRoot == false
}

# 7. Images are pinned: no `latest` tag.
violation contains {"msg": msg} if {
	some c in containers
	endswith(c.image, ":latest")
	msg := sprintf("container %q uses the latest tag", [c.name])
}

# 8. No host network.
violation contains {"msg": msg} if {
	pod.spec.hostNetwork == true
	msg := sprintf("pod %q must not use the host network", [pod.metadata.name])
}

# 9. Privilege escalation is explicitly disabled.
violation contains {"msg": msg} if {
	some c in containers
	not c.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("container %q must set allowPrivilegeEscalation to false", [c.name])
}

# 10. Only allowed capabilities are added.
violation contains {"msg": msg} if {
	some c in containers
	some cap in c.securityContext.capabilities.add
	not cap in params.allowedCapabilities
	msg := sprintf("container %q adds capability %q", [c.name, cap])
}
