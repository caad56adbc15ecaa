// Evaluates the CRD's x-kubernetes-validations CEL rules against objects, the way the API server does after
// defaulting: at every schema node that carries rules, `self` is the object's value at that node.
// Usage: node cel-check.mjs CRD.yaml < cases.json
//   cases.json: [{"name": "...", "object": { ...a RedundantPair... }}, ...]
//   prints {"name": ["message of each failed rule", ...], ...}; exit 0, or 2 when a rule does not compile.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { parse } from "@marcbachmann/cel-js";

const crd = yaml.load(readFileSync(process.argv[2], "utf8"));
const schema = crd.spec.versions[0].schema.openAPIV3Schema;
const cases = JSON.parse(readFileSync(0, "utf8"));

// JSON integers are CEL ints (int64), not doubles.
const toCel = (v) =>
  Array.isArray(v) ? v.map(toCel)
  : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]))
  : Number.isInteger(v) ? BigInt(v)
  : v;

const compiled = new Map();
const compile = (rule) => {
  if (!compiled.has(rule)) {
    try {
      compiled.set(rule, parse(rule));
    } catch (e) {
      console.error(`rule does not compile: ${rule}: ${e.message}`);
      process.exit(2);
    }
  }
  return compiled.get(rule);
};

const failures = (node, value, out) => {
  if (value === undefined || value === null) return;
  for (const v of node["x-kubernetes-validations"] ?? []) {
    let ok;
    try {
      ok = compile(v.rule)({ self: value });
    } catch (e) {
      ok = `error: ${e.message}`;
    }
    if (ok !== true) out.push(ok === false ? v.message : `${v.message} (${ok})`);
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (typeof value === "object" && !Array.isArray(value)) failures(child, value[name], out);
  }
  if (node.items && Array.isArray(value)) for (const item of value) failures(node.items, item, out);
};

const result = {};
for (const c of cases) {
  const out = [];
  failures(schema, toCel(c.object), out);
  result[c.name] = out;
}
console.log(JSON.stringify(result));
