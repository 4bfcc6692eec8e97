# Pod security: the "restricted" Pod Security Standard plus house rules.
package k8s.pods.security

import data.config
import data.lib.k8s
import data.lib.util

violation(id, c, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s %q: %s", [id, k8s.container_role(c), c.name, msg]),
}

pod_violation(id, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s: %s", [id, k8s.resource_id, msg]),
}

deny contains v if {
	some c in k8s.all_containers
	k8s.security_context(c).privileged == true
	v := violation("PSS-001", c, "privileged mode is not allowed")
}

deny contains v if {
	some c in k8s.all_containers
	object.get(k8s.security_context(c), "allowPrivilegeEscalation", true) != false
	v := violation("PSS-002", c, "allowPrivilegeEscalation must be false")
}

deny contains v if {
	some c in k8s.all_containers
	not k8s.security_context(c).runAsNonRoot
	v := violation("PSS-003", c, "runAsNonRoot must be true")
}

deny contains v if {
	some c in k8s.all_containers
	k8s.security_context(c).runAsUser == 0
	v := violation("PSS-004", c, "must not run as UID 0")
}

deny contains v if {
	some c in k8s.all_containers
	added := {cap | some cap in object.get(k8s.security_context(c), ["capabilities", "add"], [])}
	extra := added - config.allowed_capabilities
	count(extra) > 0
	v := violation("PSS-005", c, sprintf("capabilities not allowed: %s", [util.format_list(extra)]))
}

deny contains v if {
	some c in k8s.all_containers
	dropped := {cap | some cap in object.get(k8s.security_context(c), ["capabilities", "drop"], [])}
	not "ALL" in dropped
	v := violation("PSS-006", c, "capabilities must drop ALL")
}

deny contains v if {
	some c in k8s.containers
	not k8s.security_context(c).readOnlyRootFilesystem
	not k8s.exempt("PSS-007")
	v := violation("PSS-007", c, "readOnlyRootFilesystem must be true")
}

host_namespaces := {"hostNetwork", "hostPID", "hostIPC"}

deny contains v if {
	some field in host_namespaces
	k8s.pod_spec[field] == true
	v := pod_violation("PSS-008", sprintf("%s is not allowed", [field]))
}

deny contains v if {
	some vol in k8s.volumes
	path := vol.hostPath.path
	not util.any_prefix(path, config.allowed_host_paths)
	v := pod_violation("PSS-009", sprintf("hostPath volume %q mounts %s", [vol.name, path]))
}

deny contains v if {
	some c in k8s.all_containers
	some port in object.get(c, "ports", [])
	port.hostPort > 0
	v := violation("PSS-010", c, sprintf("hostPort %d is not allowed", [port.hostPort]))
}

allowed_seccomp := {"RuntimeDefault", "Localhost"}

deny contains v if {
	some c in k8s.all_containers
	profile := object.get(k8s.security_context(c), ["seccompProfile", "type"], "Unconfined")
	not profile in allowed_seccomp
	v := violation("PSS-011", c, sprintf("seccomp profile %s is not allowed", [profile]))
}

safe_sysctls := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
}

deny contains v if {
	some sysctl in object.get(k8s.pod_spec, ["securityContext", "sysctls"], [])
	not sysctl.name in safe_sysctls
	v := pod_violation("PSS-012", sprintf("sysctl %s is not allowed", [sysctl.name]))
}

deny contains v if {
	some c in k8s.all_containers
	mount := object.get(k8s.security_context(c), "procMount", "Default")
	mount != "Default"
	v := violation("PSS-013", c, sprintf("procMount %s is not allowed", [mount]))
}

deny contains v if {
	object.get(k8s.pod_spec, "serviceAccountName", "default") == "default"
	object.get(k8s.pod_spec, "automountServiceAccountToken", true) == true
	v := pod_violation("PSS-014", "the default service account token must not be mounted")
}

deny contains v if {
	some c in k8s.all_containers
	some mount in object.get(c, "volumeMounts", [])
	mount.mountPath in config.sensitive_mount_paths
	v := violation("PSS-015", c, sprintf("mounts sensitive path %s", [mount.mountPath]))
}
