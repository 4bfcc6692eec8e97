# Kubernetes resource quantities as numbers: CPU in millicores, memory in bytes.
package lib.quantities

cpu_millis(q) := q * 1000 if is_number(q)

cpu_millis(q) := to_number(trim_suffix(q, "m")) if {
	is_string(q)
	endswith(q, "m")
}

cpu_millis(q) := to_number(q) * 1000 if {
	is_string(q)
	not endswith(q, "m")
}

memory_bytes(q) := q if is_number(q)

memory_bytes(q) := units.parse_bytes(q) if is_string(q)

# Binary units as the docs and error messages show them.
format_bytes(n) := sprintf("%dGi", [n / 1073741824]) if {
	n >= 1073741824
	n % 1073741824 == 0
} else := sprintf("%dMi", [n / 1048576]) if {
	n >= 1048576
	n % 1048576 == 0
} else := sprintf("%d", [n])

limit(c, resource) := c.resources.limits[resource]

request(c, resource) := c.resources.requests[resource]

has_limit(c, resource) if _ = c.resources.limits[resource]

has_request(c, resource) if _ = c.resources.requests[resource]
