# Image reference parsing: registry/repository:tag@digest, with Docker's
# defaults (docker.io when the first path element is not a host name).
package lib.images

parse(image) := {
	"registry": registry,
	"repository": repository,
	"tag": tag,
	"digest": digest,
} if {
	[rest, digest] := split_digest(image)
	[registry, path] := split_registry(rest)
	[repository, tag] := split_tag(path)
}

split_digest(image) := [parts[0], parts[1]] if {
	contains(image, "@")
	parts := split(image, "@")
} else := [image, ""]

split_registry(ref) := [first, substring(ref, count(first) + 1, -1)] if {
	parts := split(ref, "/")
	count(parts) > 1
	first := parts[0]
	is_host(first)
} else := ["docker.io", ref]

is_host(s) if contains(s, ".")

is_host(s) if contains(s, ":")

is_host("localhost")

# The tag follows the last ':' of the path (a registry port was split off above).
split_tag(path) := [concat(":", array.slice(parts, 0, count(parts) - 1)), parts[count(parts) - 1]] if {
	parts := split(path, ":")
	count(parts) > 1
} else := [path, ""]

registry(image) := parse(image).registry

repository(image) := parse(image).repository

pinned(image) if parse(image).digest != ""

mutable_tag(image) if {
	ref := parse(image)
	ref.digest == ""
	ref.tag in {"", "latest", "main", "master", "stable"}
}

from_allowed_registry(image, allowed) if {
	some prefix in allowed
	startswith(image, prefix)
}

# Semantic version tags, e.g. 1.4.2 or v2.0.0-rc.1.
semver_tag(image) if regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$`, parse(image).tag)
