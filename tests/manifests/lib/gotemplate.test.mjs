// Behaviour of the chart renderer's Go template engine, checked against what text/template and Helm produce.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine, truthy } from "./gotemplate.mjs";

function render(src, dot = {}, helpers = "") {
  const e = new Engine();
  if (helpers) e.add("_helpers.tpl", helpers);
  e.add("t.yaml", src);
  return e.render("t.yaml", dot);
}

test("trim markers remove the whitespace on their side, newlines included", () => {
  assert.equal(render("a  \n  {{- 1 -}}  \n  b"), "a1b");
  assert.equal(render("a {{ 1 }} b"), "a 1 b");
});

test("comments vanish, with their trim markers honoured", () => {
  assert.equal(render("a\n{{- /* note */}}\nb"), "a\nb");
});

test("if / else if / else pick the first truthy branch", () => {
  const src = "{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}";
  assert.equal(render(src, { a: 1 }), "A");
  assert.equal(render(src, { b: "x" }), "B");
  assert.equal(render(src, { a: 0, b: [] }), "C");
});

test("with rebinds dot and skips empty values", () => {
  assert.equal(render("{{ with .m }}{{ .k }}{{ else }}none{{ end }}", { m: { k: "v" } }), "v");
  assert.equal(render("{{ with .m }}{{ .k }}{{ else }}none{{ end }}", { m: {} }), "none");
});

test("range walks lists in order and maps in key order, with variables", () => {
  assert.equal(render("{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}", { l: ["a", "b"] }), "0=a;1=b;");
  assert.equal(render("{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ end }}", { m: { b: 2, a: 1 } }), "a1b2");
  assert.equal(render("{{ range .l }}x{{ else }}empty{{ end }}", { l: [] }), "empty");
});

test("$ is the root inside range and with", () => {
  assert.equal(render("{{ range .l }}{{ $.name }}{{ end }}", { l: [1, 2], name: "n" }), "nn");
});

test("define and include render with the given context; nindent indents every line", () => {
  const helpers = '{{- define "labels" -}}\na: {{ .x }}\nb: 2\n{{- end -}}';
  assert.equal(render('m:\n  {{- include "labels" . | nindent 2 }}', { x: 1 }, helpers), "m:\n  a: 1\n  b: 2");
});

test("toYaml sorts keys, keeps sequences flush and has no trailing newline", () => {
  assert.equal(render("{{ toYaml .v }}", { v: { b: ["x"], a: true } }), "a: true\nb:\n- x");
});

test("pipelines pass the value as the last argument", () => {
  assert.equal(render('{{ .s | trunc 3 | quote }}', { s: "abcdef" }), '"abc"');
  assert.equal(render('{{ default "d" .missing }}', {}), "d");
  assert.equal(render('{{ printf "%s-%v" "a" 1 }}'), "a-1");
  assert.equal(render('{{ "a,b" | splitList "," | join "+" }}'), "a+b");
});

test("and/or short-circuit and return operands as Go does", () => {
  assert.equal(render("{{ and .a .a.b }}", { a: null }), "");
  assert.equal(render('{{ or .a "z" }}', {}), "z");
});

test("raw strings pass text through untouched (Prometheus templates)", () => {
  assert.equal(render("{{`{{ $labels.x }}`}}"), "{{ $labels.x }}");
});

test("a field of a missing value, an unknown function and a missing end are errors", () => {
  assert.throws(() => render("{{ .a.b }}", {}), /nil pointer evaluating/);
  assert.throws(() => render("{{ nosuch 1 }}"), /function "nosuch" not defined/);
  assert.throws(() => render("{{ if 1 }}x"), /missing \{\{end\}\}/);
});

test("truthiness follows text/template", () => {
  for (const v of [false, 0, "", null, undefined, [], {}]) assert.equal(truthy(v), false);
  for (const v of [true, 1, "0", [0], { a: 1 }]) assert.equal(truthy(v), true);
});
