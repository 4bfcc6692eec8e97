#!/usr/bin/env python3
"""Generates the input of benchmark workload 4 (issue 3) and its answer.

Writes bench/testdata/recommend/input.json (one user, 200 candidate items)
and expected.json: the value of data.bench.recommend.decision computed here,
independently of the Rego in policy.rego, from the same rules. The
benchmark compares the engine's answer with expected.json at setup.

Deterministic: the same script writes the same files.
    python3 bench/gen_recommend.py
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "testdata", "recommend")

CATEGORIES = ["books", "outdoor", "electronics", "photo", "kitchen", "garden",
              "toys", "music", "sports", "travel"]
BRANDS = ["acme", "borealis", "cobalt", "dune", "ember", "fjord", "granite",
          "harbor", "ion", "juniper", "kestrel", "lumen", "meridian", "nimbus",
          "orbit", "pioneer", "quartz", "ridge", "summit", "tundra", "umber",
          "vertex", "willow", "xenon", "zephyr"]
TAGS = ["hiking", "photography", "coffee", "travel", "jazz", "camping",
        "cooking", "gaming", "running", "cycling", "yoga", "fishing", "vinyl",
        "drones", "baking", "tea", "climbing", "kayaking", "birding", "chess",
        "sci-fi", "history", "gardening", "diy", "film", "kids", "audio",
        "smart-home", "fitness", "design"]
REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south"]
LANGS = ["en", "de", "fr", "es"]


def make_input(rnd):
    candidates = []
    for i in range(200):
        regions = ["global"] if rnd.random() < 0.3 else sorted(rnd.sample(REGIONS, rnd.randint(2, 4)))
        languages = [] if rnd.random() < 0.4 else sorted(rnd.sample(LANGS, rnd.randint(1, 2)))
        candidates.append({
            "id": "item-%03d" % i,
            "category": rnd.choice(CATEGORIES),
            "brand": rnd.choice(BRANDS),
            "price": rnd.randint(5, 300) * 100 - rnd.choice([0, 1, 5]),
            "tags": sorted(rnd.sample(TAGS, rnd.randint(1, 5))),
            "regions": regions,
            "languages": languages,
            "score": rnd.randint(0, 60),
            "stock": 0 if rnd.random() < 0.08 else rnd.randint(1, 50),
            "rating": rnd.randint(20, 50),
            "reviews": rnd.choice([0, 3, 12, 80, 150, 900, 1200, 4800]),
            "age_days": rnd.randint(1, 400),
            "premium": rnd.random() < 0.15,
        })
    user = {
        "id": "user-4711",
        "tier": "silver",
        "region": "eu-central",
        "languages": ["de", "en"],
        "budget": 25000,
        "premium_opt_in": False,
        "interests": ["hiking", "photography", "coffee", "travel", "jazz"],
        "blocked_brands": ["nimbus", "orbit"],
        "owned": ["item-%03d" % i for i in (3, 17, 42, 56, 77, 101, 150, 199)],
        "history": {"outdoor": 7, "photo": 3, "books": 1, "music": 2},
    }
    return {"user": user, "candidates": candidates}


# ---- the reference implementation of policy.rego -----------------------------

def decide(inp):
    user = inp["user"]
    discount = {"gold": 15, "silver": 5, "free": 0}.get(user["tier"], 0)
    interests = set(user["interests"])
    blocked = set(user.get("blocked_brands", []))
    owned = set(user.get("owned", []))
    history = user.get("history", {})

    def price_x100(item):
        return item["price"] * (100 - discount)

    def exclusion(item):
        if item["stock"] <= 0:
            return "out of stock"
        if item["id"] in owned:
            return "owned"
        if item["brand"] in blocked:
            return "blocked brand"
        if price_x100(item) > user["budget"] * 100:
            return "over budget"
        if "global" not in item["regions"] and user["region"] not in item["regions"]:
            return "not available in region"
        if item["languages"] and not set(item["languages"]) & set(user["languages"]):
            return "language"
        if item["premium"] and user["tier"] != "gold" and user.get("premium_opt_in") is not True:
            return "premium"
        if item["rating"] < 30 and item["reviews"] >= 10:
            return "low rating"
        return None

    def boosts(item):
        reviews = item["reviews"]
        b = {
            "interest": 10 * len(set(item["tags"]) & interests),
            "history": 3 * min(history.get(item["category"], 0), 5),
            "fresh": 8 if item["age_days"] < 30 else 0,
            "rating": max(item["rating"] - 40, 0),
            "popular": 5 if reviews >= 1000 else 2 if reviews >= 100 else 0,
            "premium": 4 if item["premium"] and user["tier"] == "gold" else 0,
            "bargain": 3 if price_x100(item) * 2 <= user["budget"] * 100 else 0,
            "region": 4 if user["region"] in item["regions"] else 0,
        }
        return {k: v for k, v in b.items() if v > 0}

    excluded = {}
    eligible = []
    for item in inp["candidates"]:
        reason = exclusion(item)
        if reason is None:
            eligible.append(item)
        else:
            excluded[item["id"]] = reason
    scored = {}
    for item in eligible:
        b = boosts(item)
        scored[item["id"]] = (item, item["score"] + sum(b.values()), b)
    shortlist = []
    for cat in sorted({s[0]["category"] for s in scored.values()}):
        ranked = sorted((-total, id_) for id_, (item, total, _) in scored.items()
                        if item["category"] == cat)
        shortlist += ranked[:3]
    shortlist.sort()
    top = []
    for i, (_, id_) in enumerate(shortlist[:10]):
        item, total, b = scored[id_]
        top.append({
            "rank": i + 1,
            "id": id_,
            "category": item["category"],
            "price": item["price"],
            "score": total,
            "reasons": sorted("%s +%d" % (k, v) for k, v in b.items()),
        })
    counts = {}
    for reason in excluded.values():
        counts[reason] = counts.get(reason, 0) + 1
    return {
        "user": user["id"],
        "eligible": len(eligible),
        "excluded": counts,
        "top": top,
        "basket_x100": sum(price_x100(scored[e["id"]][0]) for e in top[:3]),
    }


def main():
    inp = make_input(random.Random(4711))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "input.json"), "w") as f:
        json.dump(inp, f, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(decide(inp), f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
