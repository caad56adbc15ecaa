#!/usr/bin/env node
// Manifest checks for tests/manifests/check.sh. Each subcommand prints "PASS: ..." or "FAIL: ..." lines
// and exits 1 when any check failed.
//   k8s [--crd CRD.yaml] [--allow-kind group/Kind]... FILE...   every object against its official schema
//        (kubernetes-models, @kubernetes-models/prometheus-operator) or, for edgeha.io, the CRD's schema
//   values-refs CHART_DIR              every .Values path the templates use exists in values.yaml and the schema
//   restricted FILE...                 every pod template meets the restricted Pod Security profile
//   rbac FILE...                       no wildcards, no secrets, nodes read-only
//   rules-equal FILE_A NAME_A FILE_B NAME_B   two ClusterRoles grant the same permissions
//   covers FILE [KIND/]NAME NEEDS...   the (Cluster)Role NAME in FILE holds every permission of every Role in NEEDS
//   read-only FILE NAME                the Role(s) NAME in FILE only get, list and watch
//   crd-copies CRD COPY...             the copies of the generated CRD equal it byte for byte
//   workflow FILE...                   GitHub workflow structure
//   dashboard RENDER JSON LABEL VALUE  exactly one ConfigMap labelled LABEL=VALUE carries JSON (parsed, equal), and
//        the dashboard's structure: datasource variable of type prometheus, every panel querying through it
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import Ajv from "ajv";
import addFormats from "ajv-formats";

let failed = 0;
const pass = (msg) => console.log(`PASS: ${msg}`);
const fail = (msg) => { failed++; console.log(`FAIL: ${msg}`); };

function readDocs(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    const v = d.toJS();
    if (v === null || v === undefined) continue;
    if (v.kind && v.kind.endsWith("List") && Array.isArray(v.items)) out.push(...v.items); else out.push(v);
  }
  return out;
}

const id = (o) => `${o?.kind ?? "?"} ${o?.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o?.metadata?.name ?? "?"}`;

// ---- Kubernetes schemas -------------------------------------------------------------------------------
const modelCache = new Map();
function modelSpec(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

async function loadModel(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let model = null;
  try {
    const mod = await import(modelSpec(apiVersion, kind));
    model = mod[kind] ?? null;
  } catch { model = null; }
  modelCache.set(key, model);
  return model;
}

// Unknown fields in built-in kinds (e.g. "readOnlyRootFileSystem"): the kubernetes-models JSON schemas allow
// them, so the field names are read from the packages' TypeScript declarations, as kubectl's strict field
// validation would reject them. A property whose type is not a plain interface (maps, unions) is not descended.
const here = path.dirname(new URL(import.meta.url).pathname);
let fieldIndex = null;
function buildFieldIndex() {
  const byName = new Map();
  const byFile = new Map();
  const roots = ["kubernetes-models", "@kubernetes-models/apimachinery", "@kubernetes-models/prometheus-operator"];
  const walkDts = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name.startsWith("_") || e.name === "node_modules" ? [] : walkDts(path.join(d, e.name)))
      : e.name.endsWith(".d.ts") ? [path.join(d, e.name)] : []);
  for (const r of roots) {
    const dir = path.join(here, "node_modules", r);
    if (!fs.existsSync(dir)) continue;
    for (const f of walkDts(dir)) {
      const src = fs.readFileSync(f, "utf8");
      const ifaces = new Map();
      for (const m of src.matchAll(/^export interface (I\w+)(?: extends [^{]+)? \{\n([\s\S]*?)\n\}/gm)) {
        const props = {};
        for (const p of m[2].matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) props[p[1]] = p[2].trim();
        ifaces.set(m[1], props);
      }
      for (const m of src.matchAll(/export type \{ (I\w+) as (I\w+)/g)) if (ifaces.has(m[1])) byName.set(m[2], ifaces.get(m[1]));
      const kind = path.basename(f, ".d.ts");
      if (ifaces.has(`I${kind}`)) byFile.set(path.relative(path.join(here, "node_modules"), f).replace(/\.d\.ts$/, ""), ifaces.get(`I${kind}`));
    }
  }
  return { byName, byFile };
}

function unknownFields(v, props, at, out) {
  if (!props || !v || typeof v !== "object" || Array.isArray(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (!(k in props)) { out.push(`${at}/${k}`); continue; }
    const m = /^(?:Array<)?(I\w+)>?$/.exec(props[k]);
    const sub = m && fieldIndex.byName.get(m[1]);
    if (!sub) continue;
    if (Array.isArray(x)) x.forEach((e, i) => unknownFields(e, sub, `${at}/${k}/${i}`, out));
    else unknownFields(x, sub, `${at}/${k}`, out);
  }
}

function unknownFieldsOf(o, modelSpec) {
  fieldIndex ??= buildFieldIndex();
  const props = fieldIndex.byFile.get(modelSpec);
  if (!props) return [];
  const out = [];
  unknownFields(o, props, "", out);
  return out;
}

// A CRD's openAPIV3Schema as JSON Schema: x-kubernetes-* keywords mapped or dropped, nullable honoured, and
// unknown fields rejected where the schema does not preserve them (what kubectl's strict field validation does).
function crdToJsonSchema(s) {
  if (Array.isArray(s)) return s.map(crdToJsonSchema);
  if (!s || typeof s !== "object") return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith("x-kubernetes-") || k === "nullable") continue;
    if (k === "properties") out.properties = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, crdToJsonSchema(ps)]));
    else if (k === "items" || k === "additionalProperties" || k === "not") out[k] = typeof v === "object" ? crdToJsonSchema(v) : v;
    else if (k === "allOf" || k === "anyOf" || k === "oneOf") out[k] = v.map(crdToJsonSchema);
    else out[k] = v;
  }
  if (s["x-kubernetes-int-or-string"]) { delete out.type; out.anyOf = [{ type: "integer" }, { type: "string" }]; }
  if (s.nullable && out.type) out.type = [out.type, "null"].flat();
  if (out.properties && out.additionalProperties === undefined && !s["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

// ---- CEL rules (x-kubernetes-validations) ---------------------------------------------------------------
// The API server defaults a custom resource, then evaluates its CEL rules. The rules our CRD uses are a small
// subset of CEL (has(), comparisons, ?:, &&, ||, .all/.exists/.filter with .size()) that maps onto JavaScript;
// a rule outside that subset is reported as not evaluated rather than guessed.
function applyDefaults(schema, v) {
  if (!schema || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) { v.forEach((x) => applyDefaults(schema.items, x)); return v; }
  for (const [p, ps] of Object.entries(schema.properties ?? {})) {
    if (v[p] === undefined && ps.default !== undefined) v[p] = structuredClone(ps.default);
    if (v[p] !== undefined) applyDefaults(ps, v[p]);
  }
  return v;
}

function celToJs(rule) {
  if (/oldSelf|\bmatches\(|\bin\b|\bint\(|\bstring\(|\btimestamp\(|\bduration\(|(?<!\.)\bsize\(|\bmap\(|\bexists_one\(/.test(rule)) return null;
  let js = rule
    .replace(/\bhas\(([A-Za-z_][A-Za-z0-9_.]*)\)/g, "__has(() => $1)")
    .replace(/\.all\((\w+),/g, ".every(($1) =>")
    .replace(/\.exists\((\w+),/g, ".some(($1) =>")
    .replace(/\.filter\((\w+),/g, ".filter(($1) =>")
    .replace(/\.size\(\)/g, ".length")
    .replace(/!=/g, "\u0000")
    .replace(/==/g, "===")
    .replace(/\u0000/g, "!==");
  try { return new Function("self", "__has", `"use strict"; return (${js});`); } catch { return null; }
}

const celNoted = new Set();
const __has = (f) => { try { return f() !== undefined; } catch { return false; } };

function celViolations(schema, v, at, out, skipped) {
  if (!schema || v === undefined || v === null) return;
  for (const r of schema["x-kubernetes-validations"] ?? []) {
    const fn = celToJs(r.rule);
    if (!fn) { skipped.add(r.rule); continue; }
    let ok;
    try { ok = fn(v, __has) === true; } catch (e) { ok = false; }
    if (!ok) out.push(`${at || "/"}: ${r.message ?? r.rule}`);
  }
  if (Array.isArray(v)) { v.forEach((x, i) => celViolations(schema.items, x, `${at}/${i}`, out, skipped)); return; }
  if (typeof v === "object") {
    for (const [p, ps] of Object.entries(schema.properties ?? {})) celViolations(ps, v[p], `${at}/${p}`, out, skipped);
  }
}

function crdValidators(crdFile) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const f of ["int32", "int64", "byte", "double", "float", "quantity", "duration"]) ajv.addFormat(f, true);
  const validators = new Map();
  for (const crd of readDocs(crdFile)) {
    if (crd.kind !== "CustomResourceDefinition") continue;
    for (const v of crd.spec.versions ?? []) {
      const schema = crdToJsonSchema(v.schema?.openAPIV3Schema ?? {});
      // metadata is validated by the API server, not the CRD schema.
      if (schema.properties) { schema.properties.metadata = { type: "object" }; schema.properties.apiVersion = { type: "string" }; schema.properties.kind = { type: "string" }; }
      const validate = ajv.compile(schema);
      const raw = v.schema?.openAPIV3Schema ?? {};
      const check = (o) => {
        const errors = validate(o) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
        if (errors.length) return errors;
        const cel = [], skipped = new Set();
        celViolations(raw, applyDefaults(raw, structuredClone(o)), "", cel, skipped);
        for (const rule of skipped) if (!celNoted.has(rule)) { celNoted.add(rule); console.log(`NOTE: CEL rule not evaluated locally: ${rule}`); }
        return cel.map((m) => `CEL ${m}`);
      };
      validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, check);
    }
  }
  return validators;
}

async function cmdK8s(args) {
  const allow = new Set();
  let crd = null;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--crd") crd = args[++i];
    else if (args[i] === "--allow-kind") allow.add(args[++i]);
    else files.push(args[i]);
  }
  const crdVal = crd ? crdValidators(crd) : new Map();
  for (const file of files) {
    let docs;
    try { docs = readDocs(file); } catch (e) { fail(`${file}: YAML: ${e.message}`); continue; }
    if (docs.length === 0) { fail(`${file}: no objects`); continue; }
    const errors = [];
    let checked = 0;
    for (const o of docs) {
      if (!o.apiVersion || !o.kind) { errors.push(`${id(o)}: apiVersion and kind are required`); continue; }
      if (!o.metadata?.name) { errors.push(`${id(o)}: metadata.name is required`); continue; }
      const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
      const crdKey = `${o.apiVersion}/${o.kind}`;
      if (crdVal.has(crdKey)) {
        const problems = crdVal.get(crdKey)(o);
        if (problems.length) errors.push(`${id(o)}: ${problems.join("; ")}`);
        checked++;
        continue;
      }
      if (allow.has(`${group}/${o.kind}`)) { checked++; continue; }
      if (group === "edgeha.io") { errors.push(`${id(o)}: no CRD schema to validate against (run make manifests)`); continue; }
      const Model = await loadModel(o.apiVersion, o.kind);
      if (!Model) { errors.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind}`); continue; }
      try { new Model(o).validate(); } catch (e) {
        const detail = e.errors ? e.errors.map((x) => `${x.instancePath} ${x.message}`).join("; ") : e.message;
        errors.push(`${id(o)}: ${detail}`);
        continue;
      }
      const unknown = unknownFieldsOf(o, modelSpec(o.apiVersion, o.kind));
      if (unknown.length) { errors.push(`${id(o)}: unknown fields ${unknown.join(", ")}`); continue; }
      checked++;
    }
    if (errors.length) fail(`${file}: ${errors.join(" | ")}`); else pass(`${file}: ${checked} objects valid`);
  }
}

// ---- chart values ---------------------------------------------------------------------------------------
function schemaAt(schema, root, keys) {
  let s = schema;
  for (const k of keys) {
    while (s && s.$ref) s = s.$ref.replace(/^#\//, "").split("/").reduce((a, p) => a?.[p], root);
    if (!s) return null;
    if (s.properties && k in s.properties) { s = s.properties[k]; continue; }
    if (s.additionalProperties && typeof s.additionalProperties === "object") { s = s.additionalProperties; continue; }
    if (s.type === "object" && !s.properties && s.additionalProperties !== false) return s; // free-form map
    return null;
  }
  return s;
}

function cmdValuesRefs([chartDir]) {
  const values = YAML.parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8"));
  const schema = JSON.parse(fs.readFileSync(path.join(chartDir, "values.schema.json"), "utf8"));
  const tdir = path.join(chartDir, "templates");
  const walkDir = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walkDir(path.join(d, e.name)) : [path.join(d, e.name)]);
  const refs = new Map();
  for (const f of walkDir(tdir)) {
    const src = fs.readFileSync(f, "utf8").replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, "");
    const aliases = new Map();
    for (const m of src.matchAll(/\$([A-Za-z0-9_]+)\s*:=\s*\.Values((?:\.[A-Za-z0-9_]+)+)/g)) aliases.set(m[1], m[2]);
    for (const m of src.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) refs.set(m[1].slice(1), path.relative(chartDir, f));
    for (const m of src.matchAll(/\$([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+)+)/g)) {
      if (aliases.has(m[1])) refs.set((aliases.get(m[1]) + m[2]).slice(1), path.relative(chartDir, f));
    }
  }
  const missing = [];
  for (const [ref, file] of [...refs].sort()) {
    const keys = ref.split(".");
    let v = values;
    let inValues = true;
    for (const k of keys) { if (v && typeof v === "object" && k in v) v = v[k]; else { inValues = false; break; } }
    if (!inValues) missing.push(`${file}: .Values.${ref} not in values.yaml`);
    if (!schemaAt(schema, schema, keys)) missing.push(`${file}: .Values.${ref} not in values.schema.json`);
  }
  if (missing.length) fail(`chart values references: ${missing.join(" | ")}`);
  else pass(`chart values references: ${refs.size} .Values paths exist in values.yaml and values.schema.json`);
  // And every top-level value is used somewhere (no dead knobs).
  const used = new Set([...refs.keys()].map((r) => r.split(".")[0]));
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) fail(`chart values used: top-level values no template reads: ${unused.join(", ")}`);
  else pass(`chart values used: every top-level value is read by a template`);
}

// ---- pod security ------------------------------------------------------------------------------------------
function podSpecs(o) {
  if (o.kind === "Pod") return [o.spec];
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind)) return [o.spec?.template?.spec];
  if (o.kind === "CronJob") return [o.spec?.jobTemplate?.spec?.template?.spec];
  if (o.kind === "RedundantPair") return [o.spec?.template?.spec];
  return [];
}

function cmdRestricted(files) {
  for (const file of files) {
    const problems = [];
    let pods = 0;
    for (const o of readDocs(file)) {
      for (const spec of podSpecs(o)) {
        if (!spec) continue;
        pods++;
        const psc = spec.securityContext ?? {};
        if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${id(o)}: host namespaces`);
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
          const sc = c.securityContext ?? {};
          const where = `${id(o)} container ${c.name}`;
          if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) problems.push(`${where}: runAsNonRoot not true`);
          if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push(`${where}: runAsUser 0`);
          if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation not false`);
          if (sc.privileged) problems.push(`${where}: privileged`);
          const drop = sc.capabilities?.drop ?? [];
          if (!drop.includes("ALL")) problems.push(`${where}: capabilities do not drop ALL`);
          if ((sc.capabilities?.add ?? []).some((x) => x !== "NET_BIND_SERVICE")) problems.push(`${where}: adds capabilities`);
          const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
          if (!["RuntimeDefault", "Localhost"].includes(seccomp)) problems.push(`${where}: seccompProfile not RuntimeDefault`);
          if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem not true`);
          if (!c.resources?.requests || !c.resources?.limits?.memory) problems.push(`${where}: no resource requests and memory limit`);
          for (const p of c.ports ?? []) if (p.containerPort < 1024) problems.push(`${where}: port ${p.containerPort} below 1024`);
        }
      }
    }
    if (problems.length) fail(`${file}: restricted profile: ${problems.join(" | ")}`);
    else pass(`${file}: restricted profile (${pods} pod templates)`);
  }
}

// ---- RBAC -------------------------------------------------------------------------------------------------
const WRITE = new Set(["create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"]);
function cmdRbac(files) {
  for (const file of files) {
    const problems = [];
    let roles = 0;
    for (const o of readDocs(file)) {
      if (o.kind !== "Role" && o.kind !== "ClusterRole") continue;
      roles++;
      for (const r of o.rules ?? []) {
        const all = [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? []), ...(r.resourceNames ?? [])];
        if (all.includes("*")) problems.push(`${id(o)}: wildcard`);
        if ((r.resources ?? []).some((x) => x === "secrets" || x.startsWith("secrets/"))) problems.push(`${id(o)}: secrets`);
        if ((r.apiGroups ?? []).includes("") && (r.resources ?? []).some((x) => x === "nodes" || x.startsWith("nodes/")) &&
            (r.verbs ?? []).some((v) => WRITE.has(v))) problems.push(`${id(o)}: writes nodes`);
        if ((r.verbs ?? []).some((v) => ["escalate", "bind", "impersonate"].includes(v))) problems.push(`${id(o)}: escalation verb`);
        if (r.nonResourceURLs) problems.push(`${id(o)}: nonResourceURLs`);
      }
    }
    if (problems.length) fail(`${file}: RBAC least privilege: ${problems.join(" | ")}`);
    else pass(`${file}: RBAC least privilege (${roles} roles: no wildcards, no secrets, nodes read-only)`);
  }
}

function permissions(rules) {
  const set = new Set();
  for (const r of rules ?? []) for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) for (const v of r.verbs ?? []) set.add(`${g}/${res}:${v}`);
  return set;
}

function cmdRulesEqual([fileA, nameA, fileB, nameB]) {
  const find = (f, n) => readDocs(f).find((o) => (o.kind === "ClusterRole" || o.kind === "Role") && o.metadata.name === n);
  const a = find(fileA, nameA), b = find(fileB, nameB);
  if (!a || !b) { fail(`RBAC parity: role ${!a ? nameA + " in " + fileA : nameB + " in " + fileB} not found`); return; }
  const pa = permissions(a.rules), pb = permissions(b.rules);
  const onlyA = [...pa].filter((x) => !pb.has(x)), onlyB = [...pb].filter((x) => !pa.has(x));
  if (onlyA.length || onlyB.length) fail(`RBAC parity ${nameA} vs ${nameB}: only in the first: ${onlyA.join(", ") || "-"}; only in the second: ${onlyB.join(", ") || "-"}`);
  else pass(`RBAC parity: ${nameA} (${fileA}) and ${nameB} (${fileB}) grant the same ${pa.size} permissions`);
}

// Kubernetes' escalation prevention: a subject may create a Role (or bind one) only if it holds every permission in
// it. One permission per group/resource/verb/resourceName, as rbac's Covers compares them; "*" matches all.
function atoms(rules) {
  const out = [];
  for (const r of rules ?? []) for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) for (const v of r.verbs ?? [])
    for (const n of r.resourceNames?.length ? r.resourceNames : [""]) out.push({ g, res, v, n });
  return out;
}
function coveredBy(rules, a) {
  const has = (list, x) => (list ?? []).includes("*") || (list ?? []).includes(x);
  return (rules ?? []).some((r) => has(r.apiGroups, a.g) && has(r.resources, a.res) && has(r.verbs, a.v) &&
    (!r.resourceNames?.length || (a.n !== "" && r.resourceNames.includes(a.n))));
}
function cmdCovers([file, name, ...needs]) {
  // NAME or Kind/NAME (the chart names a ClusterRole and a Role alike when it watches one namespace).
  const [kind, n] = name.includes("/") ? name.split("/") : [null, name];
  const holder = readDocs(file).find((o) => (kind ? o.kind === kind : o.kind === "ClusterRole" || o.kind === "Role") && o.metadata.name === n);
  if (!holder) { fail(`covers: role ${name} not found in ${file}`); return; }
  for (const f of needs) {
    for (const role of readDocs(f).filter((o) => o.kind === "Role" || o.kind === "ClusterRole")) {
      const all = atoms(role.rules);
      const missing = all.filter((a) => !coveredBy(holder.rules, a));
      const show = (a) => `${a.g || "core"}/${a.res}:${a.v}${a.n ? "[" + a.n + "]" : ""}`;
      if (!all.length) fail(`covers: ${id(role)} in ${f} has no rules`);
      else if (missing.length) fail(`${name} (${file}) lacks what ${id(role)} (${f}) needs: ${missing.map(show).join(", ")}`);
      else pass(`${name} (${file}) holds all ${all.length} permissions of ${id(role)} (${f})`);
    }
  }
}

function cmdReadOnly([file, name]) {
  const roles = readDocs(file).filter((o) => (o.kind === "ClusterRole" || o.kind === "Role") && o.metadata.name === name);
  if (!roles.length) { fail(`read-only: no role ${name} in ${file}`); return; }
  const writes = roles.flatMap((o) => (o.rules ?? []).flatMap((r) => (r.verbs ?? []).filter((v) => !["get", "list", "watch"].includes(v)).map((v) => `${id(o)}: ${v}`)));
  if (writes.length) fail(`${file}: ${name} is not read-only: ${writes.join(", ")}`);
  else pass(`${file}: ${roles.length} role(s) ${name} only get, list and watch`);
}

function cmdCrdCopies([crd, ...copies]) {
  if (!fs.existsSync(crd)) { fail(`CRD ${crd} is missing (generate it: make manifests)`); return; }
  const want = fs.readFileSync(crd, "utf8");
  for (const c of copies) {
    if (!fs.existsSync(c)) fail(`CRD copy ${c} is missing (tests/manifests/sync-crds.sh)`);
    else if (fs.readFileSync(c, "utf8") !== want) fail(`CRD copy ${c} differs from ${crd} (tests/manifests/sync-crds.sh)`);
    else pass(`CRD copy ${c} equals ${crd}`);
  }
}

function cmdWorkflow(files) {
  for (const file of files) {
    const problems = [];
    let w;
    try { w = YAML.parse(fs.readFileSync(file, "utf8")); } catch (e) { fail(`${file}: ${e.message}`); continue; }
    if (!w?.name) problems.push("no name");
    if (!w?.on) problems.push("no 'on' trigger");
    if (!w?.jobs || typeof w.jobs !== "object" || !Object.keys(w.jobs).length) problems.push("no jobs");
    for (const [jid, job] of Object.entries(w?.jobs ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(jid)) problems.push(`job id ${jid}`);
      if (!job["runs-on"] && !job.uses) problems.push(`${jid}: no runs-on`);
      for (const need of [job.needs ?? []].flat()) if (!(need in w.jobs)) problems.push(`${jid}: needs unknown job ${need}`);
      if (!job.uses && (!Array.isArray(job.steps) || !job.steps.length)) problems.push(`${jid}: no steps`);
      (job.steps ?? []).forEach((s, i) => {
        if (!!s.uses === !!s.run) problems.push(`${jid} step ${i + 1}: exactly one of uses/run`);
        if (s.uses && !/^[^@\s]+@[^@\s]+$/.test(s.uses) && !s.uses.startsWith("./") && !s.uses.startsWith("docker://")) problems.push(`${jid} step ${i + 1}: uses without @ref`);
      });
    }
    if (problems.length) fail(`${file}: workflow structure: ${problems.join(" | ")}`); else pass(`${file}: workflow structure`);
  }
}

function cmdDashboard([render, jsonFile, labelKey, labelValue]) {
  let want;
  try { want = JSON.parse(fs.readFileSync(jsonFile, "utf8")); } catch (e) { fail(`${jsonFile}: not valid JSON: ${e.message}`); return; }
  pass(`${jsonFile}: valid JSON`);
  const maps = readDocs(render).filter((o) => o.kind === "ConfigMap" && o.metadata?.labels?.[labelKey] === labelValue);
  if (maps.length !== 1) { fail(`${render}: ${maps.length} ConfigMaps labelled ${labelKey}=${labelValue}, want 1`); return; }
  const key = path.basename(jsonFile), text = maps[0].data?.[key];
  if (typeof text !== "string") { fail(`${id(maps[0])}: no data key ${key}`); return; }
  let got;
  try { got = JSON.parse(text); } catch (e) { fail(`${id(maps[0])} ${key}: not valid JSON: ${e.message}`); return; }
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${id(maps[0])} ${key} differs from ${jsonFile}`);
  else pass(`${id(maps[0])} labelled ${labelKey}=${labelValue} carries ${jsonFile}`);

  const problems = [];
  const vars = want.templating?.list ?? [];
  const ds = vars.find((v) => v.name === "datasource");
  if (!(ds?.type === "datasource" && ds?.query === "prometheus")) problems.push("no 'datasource' variable of type datasource querying prometheus");
  if (!(Number.isInteger(want.schemaVersion) && want.schemaVersion >= 36)) problems.push(`schemaVersion ${want.schemaVersion} (want >= 36, Grafana 9+)`);
  if (!want.uid || !want.title) problems.push("no uid or title");
  const panels = want.panels ?? [];
  if (!panels.length) problems.push("no panels");
  const ids = new Set();
  for (const p of panels) {
    const at = `panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) problems.push(`${at}: duplicate id`);
    ids.add(p.id);
    if (!p.gridPos || p.gridPos.x + p.gridPos.w > 24) problems.push(`${at}: gridPos outside the 24 columns`);
    const targets = p.targets ?? [];
    if (!targets.length) problems.push(`${at}: no queries`);
    for (const t of [p, ...targets]) if (t.datasource?.uid !== "${datasource}") problems.push(`${at}: does not query through $datasource`);
    for (const t of targets) if (!t.expr?.trim()) problems.push(`${at} ${t.refId}: empty expr`);
  }
  if (problems.length) fail(`${jsonFile}: dashboard structure: ${problems.join(" | ")}`);
  else pass(`${jsonFile}: dashboard structure (${panels.length} panels, each querying \${datasource})`);
}

const [cmd, ...rest] = process.argv.slice(2);
const commands = { k8s: cmdK8s, "values-refs": cmdValuesRefs, restricted: cmdRestricted, rbac: cmdRbac, "rules-equal": cmdRulesEqual, covers: cmdCovers, "read-only": cmdReadOnly, "crd-copies": cmdCrdCopies, workflow: cmdWorkflow, dashboard: cmdDashboard };
if (!commands[cmd]) { console.error(`usage: validate.mjs ${Object.keys(commands).join("|")} ...`); process.exit(2); }
try { await commands[cmd](rest); } catch (e) { fail(`${cmd}: ${e.stack ?? e.message}`); }
process.exit(failed ? 1 : 0);
