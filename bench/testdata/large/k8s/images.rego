# Container images: trusted registries, immutable references in production.
package k8s.images

import data.config
import data.lib.images
import data.lib.k8s

env := object.get(config.namespaces, [k8s.namespace, "env"], "dev")

violation(id, c, msg) := {
	"id": id,
	"resource": k8s.resource_id,
	"msg": sprintf("%s %s %q: image %s: %s", [id, k8s.container_role(c), c.name, c.image, msg]),
}

deny contains v if {
	some c in k8s.all_containers
	not images.from_allowed_registry(c.image, config.allowed_registries)
	v := violation("IMG-001", c, sprintf("registry %s is not trusted", [images.registry(c.image)]))
}

deny contains v if {
	some c in k8s.all_containers
	images.mutable_tag(c.image)
	not k8s.exempt("IMG-002")
	v := violation("IMG-002", c, "a mutable tag is not allowed")
}

deny contains v if {
	env == "prod"
	some c in k8s.all_containers
	not images.pinned(c.image)
	not images.semver_tag(c.image)
	v := violation("IMG-003", c, "production images need a digest or a release tag")
}

deny contains v if {
	some c in k8s.all_containers
	images.mutable_tag(c.image)
	object.get(c, "imagePullPolicy", "IfNotPresent") != "Always"
	v := violation("IMG-004", c, "a mutable tag needs imagePullPolicy Always")
}

deny contains v if {
	some c in k8s.all_containers
	images.repository(c.image) in config.banned_repositories
	v := violation("IMG-005", c, "this repository is banned")
}

# Base images that reached end of life, by repository, with the last allowed tag.
warn contains msg if {
	some c in k8s.all_containers
	ref := images.parse(c.image)
	some banned in config.deprecated_images
	ref.repository == banned.repository
	msg := sprintf("container %q uses %s, deprecated since %s", [c.name, ref.repository, banned.since])
}
