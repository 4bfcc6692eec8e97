// Evaluates every x-kubernetes-validations CEL rule of crds/*.yaml with a
// CEL implementation (@bufbuild/cel): each example object must pass every
// rule, and each negative case must fail exactly the rule it is written for.
// usage: node cel_rules.mjs DIR   (DIR holds crds.json, examples.json, cases.json)
import { readFileSync } from "node:fs";
import { run } from "@bufbuild/cel";

const dir = process.argv[2];
const load = (name) => JSON.parse(readFileSync(`${dir}/${name}`, "utf8"));
const crds = load("crds.json");
const examples = load("examples.json");
const cases = load("cases.json");

// JSON -> CEL input: objects as Maps, integers as bigint (CEL int).
function toCel(v) {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === "object") {
    return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  }
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return v;
}

// Every (rule, message, value) for `value` under `schema`, walking alongside.
function collect(schema, value, path, out) {
  if (schema === undefined || value === undefined || value === null) return;
  for (const r of schema["x-kubernetes-validations"] ?? []) {
    out.push({ rule: r.rule, message: r.message, path, value });
  }
  if (schema.properties && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, s] of Object.entries(schema.properties)) {
      collect(s, value[k], path ? `${path}.${k}` : k, out);
    }
  }
  if (schema.items && Array.isArray(value)) {
    value.forEach((x, i) => collect(schema.items, x, `${path}[${i}]`, out));
  }
}

function failures(obj) {
  const crd = crds[obj.kind];
  if (!crd) return [`no CRD for kind ${obj.kind}`];
  const rules = [];
  collect(crd, obj, "", rules);
  const out = [];
  for (const r of rules) {
    let result;
    try {
      result = run(r.rule, { self: toCel(r.value) });
    } catch (e) {
      out.push(`${r.path}: rule ${JSON.stringify(r.rule)} failed to run: ${e.message}`);
      continue;
    }
    if (result instanceof Error || (result && result.constructor?.name === "CelError")) {
      out.push(`${r.path}: rule ${JSON.stringify(r.rule)} errored: ${result.message ?? result}`);
    } else if (result !== true) {
      out.push(`${r.path}: ${r.message}`);
    }
  }
  return out;
}

let failed = 0;
let checks = 0;
for (const obj of examples) {
  checks++;
  const f = failures(obj);
  if (f.length) {
    failed++;
    console.log(`FAIL: example ${obj.kind}/${obj.metadata.name}: ${f.join("; ")}`);
  } else {
    console.log(`ok: example ${obj.kind}/${obj.metadata.name} passes every rule`);
  }
}
for (const c of cases) {
  checks++;
  const f = failures(c.object);
  const want = c.want;
  if (f.length === 1 && f[0].includes(want)) {
    console.log(`ok: ${c.name}: ${f[0]}`);
  } else {
    failed++;
    console.log(`FAIL: ${c.name}: want one failure with '${want}', got: ${JSON.stringify(f)}`);
  }
}
console.log(`${checks} checks, ${failed} failed`);
process.exit(failed ? 1 : 0);
