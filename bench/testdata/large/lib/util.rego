# Small set and string helpers.
package lib.util

has_key(o, k) if _ = o[k]

missing_keys(required, o) := {k | some k in required; not has_key(o, k)}

any_prefix(s, prefixes) if {
	some p in prefixes
	startswith(s, p)
}

any_suffix(s, suffixes) if {
	some p in suffixes
	endswith(s, p)
}

format_list(xs) := concat(", ", sort([x | some x in xs]))

dns_label(s) if regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, s)

email(s) if regex.match(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`, s)

# true when every key/value of `selector` is in `labels`.
selects(selector, labels) if {
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}

to_set(xs) := {x | some x in xs}
