// Validates a CRD YAML file against the Kubernetes apiextensions.k8s.io/v1 CustomResourceDefinition schema
// (the OpenAPI definitions published by Kubernetes, via kubernetes-models), and checks the structural-schema
// rules that schema cannot express, and that every CEL rule compiles. Usage: node validate-crd.mjs FILE.yaml  (exit 0 valid, 1 invalid).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { parse } from "@marcbachmann/cel-js";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate-crd.mjs FILE.yaml");
  process.exit(2);
}

const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
const problems = [];
for (const doc of docs) {
  try {
    new CustomResourceDefinition(doc).validate();
  } catch (e) {
    problems.push(`${doc?.metadata?.name}: ${e.message}`);
    continue;
  }

  // Structural schema: every node has a type (apart from the escape hatches), no unknown keywords.
  for (const version of doc.spec.versions) {
    const walk = (node, path) => {
      if (node.type === undefined && !node["x-kubernetes-int-or-string"] && !node["x-kubernetes-preserve-unknown-fields"]) {
        problems.push(`${version.name} ${path}: no type (not structural)`);
      }
      for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${path}{}`);
      for (const key of node.required ?? []) {
        if (!(key in (node.properties ?? {}))) problems.push(`${version.name} ${path}: required ${key} is not a property`);
      }
      for (const v of node["x-kubernetes-validations"] ?? []) {
        try {
          parse(v.rule);
        } catch (e) {
          problems.push(`${version.name} ${path}: CEL rule does not compile: ${v.rule}: ${e.message}`);
        }
      }
      for (const key of node["x-kubernetes-list-map-keys"] ?? []) {
        if (!(node.items?.required ?? []).includes(key)) problems.push(`${version.name} ${path}: list-map key ${key} is not required`);
      }
    };
    walk(version.schema.openAPIV3Schema, "");
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`${file}: ${docs.length} CRD(s) valid against apiextensions.k8s.io/v1`);
