# Workload 4 of issue 3: an application decision rather than an admission
# check. Filter 200 candidate items by the user's constraints, score the rest
# with boosts from the user's features, keep at most 3 items per category and
# return the top 10 with the reasons behind each score.
#
# All arithmetic is on integers (prices in cents, discounted prices in
# hundredths of a cent) so that bench/gen_recommend.py can compute the same
# answer exactly; the benchmark compares the two at setup.
package bench.recommend

user := input.user

discount_percent := {"gold": 15, "silver": 5, "free": 0}

discount := object.get(discount_percent, user.tier, 0)

interests := {i | some i in user.interests}

blocked_brands := {b | some b in object.get(user, "blocked_brands", [])}

owned := {id | some id in object.get(user, "owned", [])}

history := object.get(user, "history", {})

# ---- filters --------------------------------------------------------------------

price_x100(item) := item.price * (100 - discount)

affordable(item) if price_x100(item) <= user.budget * 100

available(item) if "global" in item.regions

available(item) if user.region in item.regions

# No language list means the item needs none (a physical product).
speaks(item) if count(item.languages) == 0

speaks(item) if {
	some lang in item.languages
	lang in user.languages
}

premium_ok(item) if not item.premium

premium_ok(item) if user.tier == "gold"

premium_ok(item) if user.premium_opt_in == true

# Too few reviews to judge the rating.
rated(item) if item.rating >= 30

rated(item) if item.reviews < 10

# The first reason an item cannot be recommended.
exclusion(item) := "out of stock" if {
	item.stock <= 0
} else := "owned" if {
	item.id in owned
} else := "blocked brand" if {
	item.brand in blocked_brands
} else := "over budget" if {
	not affordable(item)
} else := "not available in region" if {
	not available(item)
} else := "language" if {
	not speaks(item)
} else := "premium" if {
	not premium_ok(item)
} else := "low rating" if {
	not rated(item)
}

excluded[item.id] := reason if {
	some item in input.candidates
	reason := exclusion(item)
}

eligible contains item if {
	some item in input.candidates
	not excluded[item.id]
}

# ---- scoring --------------------------------------------------------------------

matched_interests(item) := {t | some t in item.tags; t in interests}

fresh_points(item) := 8 if {
	item.age_days < 30
} else := 0

popular_points(item) := 5 if {
	item.reviews >= 1000
} else := 2 if {
	item.reviews >= 100
} else := 0

premium_points(item) := 4 if {
	item.premium
	user.tier == "gold"
} else := 0

bargain_points(item) := 3 if {
	price_x100(item) * 2 <= user.budget * 100
} else := 0

region_points(item) := 4 if {
	user.region in item.regions
} else := 0

# Named boosts with positive points.
boosts(item) := {name: points |
	some name, points in {
		"interest": 10 * count(matched_interests(item)),
		"history": 3 * min([object.get(history, item.category, 0), 5]),
		"fresh": fresh_points(item),
		"rating": max([item.rating - 40, 0]),
		"popular": popular_points(item),
		"premium": premium_points(item),
		"bargain": bargain_points(item),
		"region": region_points(item),
	}
	points > 0
}

reasons(b) := sort([sprintf("%s +%d", [name, points]) | some name, points in b])

scored[item.id] := {"item": item, "total": item.score + sum([p | some p in b]), "boosts": b} if {
	some item in eligible
	b := boosts(item)
}

# ---- ranking --------------------------------------------------------------------

categories := {s.item.category | some s in scored}

# Each category's item ids, best first (ties by id).
by_category[cat] := [pair[1] | some pair in sort([[0 - s.total, id] |
	some id, s in scored
	s.item.category == cat
])] if {
	some cat in categories
}

per_category := 3

shortlist := sort([[0 - scored[id].total, id] |
	some ids in by_category
	some i, id in ids
	i < per_category
])

top := [entry |
	some i, pair in array.slice(shortlist, 0, 10)
	s := scored[pair[1]]
	entry := {
		"rank": i + 1,
		"id": s.item.id,
		"category": s.item.category,
		"price": s.item.price,
		"score": s.total,
		"reasons": reasons(s.boosts),
	}
]

excluded_counts[reason] := count([id | some id, r in excluded; r == reason]) if {
	some reason in {r | some r in excluded}
}

decision := {
	"user": user.id,
	"eligible": count(eligible),
	"excluded": excluded_counts,
	"top": top,
	"basket_x100": sum([price_x100(scored[e.id].item) | some e in array.slice(top, 0, 3)]),
}
