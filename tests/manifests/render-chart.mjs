#!/usr/bin/env node
// Renders a Helm chart as `helm template` does, for machines without helm: values.yaml merged with -f files
// (maps deep-merged, lists replaced), validated against values.schema.json, then every template under
// templates/ rendered by lib/gotemplate.mjs. Prints the manifests (each with its "# Source:" line) on stdout;
// --notes prints NOTES.txt instead.
// Usage: node render-chart.mjs CHART_DIR [-f values.yaml ...] [--release NAME] [--namespace NS] [--notes]
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import Ajv from "ajv";
import { Engine } from "./lib/gotemplate.mjs";

function deepMerge(base, over) {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over;
  const out = { ...(base && typeof base === "object" && !Array.isArray(base) ? base : {}) };
  for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : deepMerge(out[k], v);
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]).sort();
}

export function renderChart(chartDir, { valueFiles = [], release = "edge-ha-operator", namespace = "edge-ha-system", notes = false } = {}) {
  const chart = YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"));
  let values = YAML.parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8")) ?? {};
  for (const f of valueFiles) values = deepMerge(values, YAML.parse(fs.readFileSync(f, "utf8")) ?? {});
  const schemaFile = path.join(chartDir, "values.schema.json");
  if (fs.existsSync(schemaFile)) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
    if (!validate(values)) {
      throw new Error("values don't meet the specifications of the schema(s):\n" +
        validate.errors.map((e) => `  ${e.instancePath || "/"}: ${e.message}`).join("\n"));
    }
  }
  const dot = {
    Values: values,
    Release: { Name: release, Namespace: namespace, Service: "Helm", IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion ?? "" },
    Capabilities: { KubeVersion: { Version: "v1.32.0", Major: "1", Minor: "32" } },
  };
  const engine = new Engine();
  const tdir = path.join(chartDir, "templates");
  const files = listFiles(tdir).map((f) => path.relative(chartDir, f));
  for (const f of files) engine.add(f, fs.readFileSync(path.join(chartDir, f), "utf8"));
  if (notes) return files.includes("templates/NOTES.txt") ? engine.render("templates/NOTES.txt", dot) : "";
  let out = "";
  for (const f of files) {
    const base = path.basename(f);
    if (base.startsWith("_") || base === "NOTES.txt") continue;
    const text = engine.render(f, dot);
    for (const doc of text.split(/^---[ \t]*$/m)) {
      const meaningful = doc.split("\n").some((l) => l.trim() && !l.trim().startsWith("#"));
      if (meaningful) out += `---\n# Source: ${chart.name}/${f}\n${doc.replace(/^\n+/, "").replace(/\s+$/, "")}\n`;
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opts = { valueFiles: [] };
  let chartDir;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-f" || a === "--values") opts.valueFiles.push(argv[++i]);
    else if (a === "--release") opts.release = argv[++i];
    else if (a === "--namespace" || a === "-n") opts.namespace = argv[++i];
    else if (a === "--notes") opts.notes = true;
    else chartDir = a;
  }
  if (!chartDir) { console.error("usage: render-chart.mjs CHART_DIR [-f values.yaml ...] [--release NAME] [--namespace NS] [--notes]"); process.exit(2); }
  try {
    process.stdout.write(renderChart(chartDir, opts));
  } catch (e) {
    console.error(`render-chart: ${e.message}`);
    process.exit(1);
  }
}
