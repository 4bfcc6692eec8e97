# Accessors for the Kubernetes object in an AdmissionReview, shared by every
# policy package. Policies never read input.request directly: when the API
# version of the review changes, only this file changes.
package lib.k8s

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

request := input.request

kind := input.request.kind.kind

group := object.get(input.request.kind, "group", "")

operation := input.request.operation

obj := input.request.object

old_obj := object.get(input.request, "oldObject", {})

name := obj.metadata.name

namespace := ns if {
	ns := input.request.namespace
	ns != ""
} else := ns if {
	ns := obj.metadata.namespace
} else := "default"

labels := object.get(obj, ["metadata", "labels"], {})

annotations := object.get(obj, ["metadata", "annotations"], {})

resource_id := sprintf("%s/%s/%s", [kind, namespace, name])

is_create if operation == "CREATE"

is_update if operation == "UPDATE"

is_workload if kind in workload_kinds

is_pod if kind == "Pod"

is_cronjob if kind == "CronJob"

has_pod_spec if is_pod

has_pod_spec if is_workload

has_pod_spec if is_cronjob

# The pod template of any kind that creates pods.
pod_spec := obj.spec if is_pod

pod_spec := obj.spec.template.spec if is_workload

pod_spec := obj.spec.jobTemplate.spec.template.spec if is_cronjob

pod_metadata := object.get(obj, "metadata", {}) if is_pod

pod_metadata := object.get(obj.spec.template, "metadata", {}) if is_workload

pod_metadata := object.get(obj.spec.jobTemplate.spec.template, "metadata", {}) if is_cronjob

pod_labels := object.get(pod_metadata, "labels", {})

containers := object.get(pod_spec, "containers", [])

init_containers := object.get(pod_spec, "initContainers", [])

ephemeral_containers := object.get(pod_spec, "ephemeralContainers", [])

# Every container the pod runs, init containers first, as Kubernetes starts them.
all_containers := array.concat(init_containers, array.concat(containers, ephemeral_containers))

init_container_names := {c.name | some c in init_containers}

container_role(c) := "init container" if {
	c.name in init_container_names
} else := "container"

volumes := object.get(pod_spec, "volumes", [])

# A container's effective security context: its own settings override the pod's.
security_context(c) := object.union(
	object.get(pod_spec, "securityContext", {}),
	object.get(c, "securityContext", {}),
)

has_label(o, key) if {
	_ = o.metadata.labels[key]
}

label(o, key) := object.get(o, ["metadata", "labels", key], "")

annotation(o, key) := object.get(o, ["metadata", "annotations", key], "")

user := object.get(input.request, ["userInfo", "username"], "")

user_groups := {g | some g in object.get(input.request, ["userInfo", "groups"], [])}

is_system_user if startswith(user, "system:")

is_cluster_admin if "system:masters" in user_groups

# Rule ids listed in the object's exemption annotation, e.g.
#   policy.corp.example/exempt: "PSS-003, IMG-002"
exemptions := {trim_space(id) |
	some id in split(object.get(annotations, "policy.corp.example/exempt", ""), ",")
	trim_space(id) != ""
}

exempt(id) if id in exemptions
