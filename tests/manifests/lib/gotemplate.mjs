// A small Go text/template engine with the Sprig/Helm functions the chart uses, so the chart renders
// and its output is validated on machines without helm. It is deliberately strict: an unknown function,
// a field of a missing value, or a syntax error throws, naming the template and the action.
// Semantics follow text/template: {{- / -}} trim markers, if/else if/else, with, range (maps in key
// order), define/include/template, variables with block scope, pipelines passing the value as last argument.
import YAML from "yaml";

class TemplateError extends Error {}

function lex(src, file) {
  const items = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) { items.push({ t: "text", v: src.slice(i) }); break; }
    let text = src.slice(i, open);
    let j = open + 2;
    const trimLeft = src[j] === "-" && /\s/.test(src[j + 1] ?? "");
    if (trimLeft) { text = text.replace(/\s+$/, ""); j += 1; }
    if (text) items.push({ t: "text", v: text });
    let close;
    const rest = src.slice(j).trimStart();
    if (rest.startsWith("/*")) {
      const endComment = src.indexOf("*/", j);
      if (endComment < 0) throw new TemplateError(`${file}: unclosed comment`);
      close = src.indexOf("}}", endComment);
    } else {
      close = findClose(src, j, file);
    }
    if (close < 0) throw new TemplateError(`${file}: unclosed action at offset ${open}`);
    let body = src.slice(j, close);
    let trimRight = false;
    if (/\s-$/.test(body)) { trimRight = true; body = body.slice(0, -1); }
    body = body.trim();
    const line = src.slice(0, open).split("\n").length;
    if (!body.startsWith("/*")) items.push({ t: "action", v: body, line });
    i = close + 2;
    if (trimRight) { const m = /^\s*/.exec(src.slice(i)); i += m[0].length; }
  }
  return items;
}

// The closing braces of an action, skipping string literals that may contain "}}".
function findClose(src, j, file) {
  let k = j;
  while (k < src.length) {
    const c = src[k];
    if (c === '"') { k++; while (k < src.length && src[k] !== '"') { if (src[k] === "\\") k++; k++; } k++; continue; }
    if (c === "`") { k = src.indexOf("`", k + 1) + 1; if (k === 0) throw new TemplateError(`${file}: unclosed raw string`); continue; }
    if (c === "}" && src[k + 1] === "}") return k;
    k++;
  }
  return -1;
}

function tokenize(s, where) {
  const toks = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') { if (s[j] === "\\") j++; j++; }
      toks.push({ k: "str", v: JSON.parse(s.slice(i, j + 1)) }); i = j + 1; continue;
    }
    if (c === "`") { const j = s.indexOf("`", i + 1); toks.push({ k: "str", v: s.slice(i + 1, j) }); i = j + 1; continue; }
    if (c === ":" && s[i + 1] === "=") { toks.push({ k: ":=" }); i += 2; continue; }
    if ("()|,=".includes(c)) { toks.push({ k: c }); i++; continue; }
    let m;
    if ((m = /^-?\d+(\.\d+)?/.exec(s.slice(i))) && !/[A-Za-z_]/.test(s[i + m[0].length] ?? "")) {
      toks.push({ k: "num", v: Number(m[0]) }); i += m[0].length; continue;
    }
    if ((m = /^(\$[A-Za-z0-9_]*)((\.[A-Za-z0-9_]+)*)/.exec(s.slice(i))) && m[0]) {
      toks.push({ k: "var", v: m[1], path: m[2] ? m[2].slice(1).split(".") : [] }); i += m[0].length; continue;
    }
    if ((m = /^\.([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)?/.exec(s.slice(i))) && m[0]) {
      toks.push({ k: "field", path: m[1] ? m[1].split(".") : [] }); i += m[0].length; continue;
    }
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i)))) { toks.push({ k: "id", v: m[0] }); i += m[0].length; continue; }
    throw new TemplateError(`${where}: unexpected character '${c}' in action`);
  }
  return toks;
}

function parsePipeline(toks, where) {
  let pos = 0;
  const decl = [];
  let assign = false;
  // $x := ..., $k, $v := ..., $x = ...
  const declEnd = toks.findIndex((t) => t.k === ":=" || t.k === "=");
  if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.k === "var" || t.k === ",")) {
    for (const t of toks.slice(0, declEnd)) if (t.k === "var") decl.push(t.v);
    assign = toks[declEnd].k === "=";
    pos = declEnd + 1;
  }
  function parseCmds(stopAtParen) {
    const cmds = [];
    let cur = [];
    while (pos < toks.length) {
      const t = toks[pos];
      if (t.k === ")") { if (!stopAtParen) throw new TemplateError(`${where}: unexpected )`); break; }
      pos++;
      if (t.k === "|") { cmds.push(cur); cur = []; continue; }
      if (t.k === "(") { const inner = parseCmds(true); if (toks[pos]?.k !== ")") throw new TemplateError(`${where}: missing )`); pos++; cur.push({ k: "pipe", cmds: inner }); continue; }
      cur.push(t);
    }
    cmds.push(cur);
    if (cmds.some((c) => c.length === 0)) throw new TemplateError(`${where}: empty command in pipeline`);
    return cmds;
  }
  const cmds = parseCmds(false);
  return { decl, assign, cmds };
}

function parse(items, file, defines) {
  let pos = 0;
  function parseList(terms) {
    const nodes = [];
    while (pos < items.length) {
      const it = items[pos];
      if (it.t === "text") { nodes.push({ n: "text", v: it.v }); pos++; continue; }
      const where = `${file}:${it.line}`;
      const toks = tokenize(it.v, where);
      const kw = toks[0]?.k === "id" ? toks[0].v : null;
      if (kw === "end" || kw === "else") {
        if (!terms.includes(kw)) throw new TemplateError(`${where}: unexpected {{${kw}}}`);
        return { nodes, term: kw, toks: toks.slice(1), where };
      }
      pos++;
      if (kw === "if" || kw === "with") nodes.push(parseBranch(kw, toks.slice(1), where));
      else if (kw === "range") {
        const pipe = parsePipeline(toks.slice(1), where);
        const body = parseList(["else", "end"]);
        let elseNodes = [];
        if (body.term === "else") { pos++; const e = parseList(["end"]); elseNodes = e.nodes; }
        pos++;
        nodes.push({ n: "range", pipe, body: body.nodes, elseNodes, where });
      } else if (kw === "define") {
        if (toks[1]?.k !== "str") throw new TemplateError(`${where}: define needs a name`);
        const body = parseList(["end"]); pos++;
        defines.set(toks[1].v, body.nodes);
      } else if (kw === "template") {
        nodes.push({ n: "template", name: toks[1].v, pipe: toks.length > 2 ? parsePipeline(toks.slice(2), where) : null, where });
      } else if (kw === "block") {
        throw new TemplateError(`${where}: block is not supported`);
      } else {
        nodes.push({ n: "action", pipe: parsePipeline(toks, where), where });
      }
    }
    if (terms.length) throw new TemplateError(`${file}: missing {{end}}`);
    return { nodes, term: null };
  }
  function parseBranch(kw, toks, where) {
    const pipe = parsePipeline(toks, where);
    const body = parseList(["else", "end"]);
    let elseNodes = [];
    if (body.term === "else") {
      const rest = body.toks;
      pos++;
      if (rest.length && rest[0].k === "id" && (rest[0].v === "if" || rest[0].v === "with")) {
        elseNodes = [parseBranch(rest[0].v, rest.slice(1), body.where)];
        return { n: kw, pipe, body: body.nodes, elseNodes, where };
      }
      elseNodes = parseList(["end"]).nodes;
    }
    pos++;
    return { n: kw, pipe, body: body.nodes, elseNodes, where };
  }
  return parseList([]).nodes;
}

export function truthy(v) {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function str(v) {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function goQuote(s) { return JSON.stringify(str(s)); }

function sprintf(fmt, args, where) {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqtf%])/g, (_, flags, verb) => {
    if (verb === "%") return "%";
    if (i >= args.length) throw new TemplateError(`${where}: printf: missing argument for %${verb}`);
    const a = args[i++];
    switch (verb) {
      case "q": return goQuote(a);
      case "d": return String(Math.trunc(Number(a)));
      default: return str(a);
    }
  });
}

function toYaml(v) {
  if (v === undefined || v === null) return "null";
  // Helm's toYaml (sigs.k8s.io/yaml): keys sorted, sequences not indented under their key, no trailing newline.
  return YAML.stringify(v, { indentSeq: false, sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, "");
}

function indent(n, s) { const pad = " ".repeat(n); return pad + str(s).replaceAll("\n", "\n" + pad); }

export class Engine {
  constructor() { this.defines = new Map(); this.files = new Map(); }

  add(file, src) { this.files.set(file, parse(lex(src, file), file, this.defines)); }

  render(file, dot) { return this.exec(this.files.get(file), dot, { $: dot }, 0); }

  exec(nodes, dot, vars, depth) {
    if (depth > 100) throw new TemplateError("template recursion too deep");
    let out = "";
    for (const node of nodes) {
      switch (node.n) {
        case "text": out += node.v; break;
        case "action": {
          const v = this.evalPipe(node.pipe, dot, vars, node.where);
          if (node.pipe.decl.length === 0) out += str(v);
          break;
        }
        case "if": case "with": {
          const scope = Object.create(vars);
          const v = this.evalPipe(node.pipe, dot, scope, node.where);
          if (truthy(v)) out += this.exec(node.body, node.n === "with" ? v : dot, scope, depth);
          else out += this.exec(node.elseNodes, dot, scope, depth);
          break;
        }
        case "range": {
          const pipe = { ...node.pipe, decl: [] };
          const v = this.evalPipe(pipe, dot, vars, node.where);
          const entries = Array.isArray(v) ? v.map((e, i) => [i, e])
            : v && typeof v === "object" ? Object.keys(v).sort().map((k) => [k, v[k]])
            : v === undefined || v === null ? [] : (() => { throw new TemplateError(`${node.where}: range over ${typeof v}`); })();
          if (entries.length === 0) { out += this.exec(node.elseNodes, dot, vars, depth); break; }
          for (const [k, e] of entries) {
            const scope = Object.create(vars);
            const d = node.pipe.decl;
            if (d.length === 1) scope[d[0]] = e;
            if (d.length === 2) { scope[d[0]] = k; scope[d[1]] = e; }
            out += this.exec(node.body, e, scope, depth);
          }
          break;
        }
        case "template": {
          const body = this.defines.get(node.name);
          if (!body) throw new TemplateError(`${node.where}: no template "${node.name}"`);
          const d = node.pipe ? this.evalPipe(node.pipe, dot, vars, node.where) : undefined;
          out += this.exec(body, d, { $: d }, depth + 1);
          break;
        }
        default: throw new TemplateError(`unknown node ${node.n}`);
      }
    }
    return out;
  }

  evalPipe(pipe, dot, vars, where) {
    let v;
    pipe.cmds.forEach((cmd, i) => { v = this.evalCmd(cmd, dot, vars, where, i > 0, v); });
    if (pipe.decl.length === 1) {
      if (pipe.assign) {
        let s = vars;
        while (s && !Object.prototype.hasOwnProperty.call(s, pipe.decl[0])) s = Object.getPrototypeOf(s);
        if (!s) throw new TemplateError(`${where}: undefined variable ${pipe.decl[0]}`);
        s[pipe.decl[0]] = v;
      } else vars[pipe.decl[0]] = v;
    }
    return v;
  }

  evalArg(t, dot, vars, where) {
    switch (t.k) {
      case "str": case "num": return t.v;
      case "field": return walk(dot, t.path, where, ".");
      case "var": {
        if (!(t.v in vars)) throw new TemplateError(`${where}: undefined variable ${t.v}`);
        return walk(vars[t.v], t.path, where, t.v);
      }
      case "pipe": return this.evalPipe({ decl: [], cmds: t.cmds }, dot, vars, where);
      case "id":
        if (t.v === "true") return true;
        if (t.v === "false") return false;
        if (t.v === "nil") return null;
        return this.call(t.v, [], where);
      default: throw new TemplateError(`${where}: unexpected token ${t.k}`);
    }
  }

  evalCmd(cmd, dot, vars, where, piped, prev) {
    const head = cmd[0];
    if (head.k === "id" && !["true", "false", "nil"].includes(head.v)) {
      const rest = cmd.slice(1);
      if (head.v === "and" || head.v === "or") {
        const thunks = rest.map((t) => () => this.evalArg(t, dot, vars, where));
        if (piped) thunks.push(() => prev);
        let v;
        for (const th of thunks) { v = th(); if (head.v === "and" ? !truthy(v) : truthy(v)) return v; }
        return v;
      }
      const args = rest.map((t) => this.evalArg(t, dot, vars, where));
      if (piped) args.push(prev);
      return this.call(head.v, args, where, dot);
    }
    if (cmd.length !== 1 || piped) throw new TemplateError(`${where}: cannot call a non-function`);
    return this.evalArg(head, dot, vars, where);
  }

  call(name, a, where) {
    const need = (n) => { if (a.length < n) throw new TemplateError(`${where}: ${name} needs ${n} arguments`); };
    switch (name) {
      case "include": {
        need(1);
        const body = this.defines.get(a[0]);
        if (!body) throw new TemplateError(`${where}: include: no template "${a[0]}"`);
        return this.exec(body, a[1], { $: a[1] }, 1);
      }
      case "toYaml": need(1); return toYaml(a[0]);
      case "nindent": need(2); return "\n" + indent(a[0], a[1]);
      case "indent": need(2); return indent(a[0], a[1]);
      case "quote": return a.filter((x) => x !== undefined && x !== null).map(goQuote).join(" ");
      case "squote": return a.filter((x) => x !== undefined && x !== null).map((x) => `'${str(x)}'`).join(" ");
      case "default": need(1); return a.length < 2 || !truthy(a[1]) ? a[0] : a[1];
      case "required": need(2); if (a[1] === undefined || a[1] === null || a[1] === "") throw new TemplateError(`${where}: ${a[0]}`); return a[1];
      case "fail": throw new TemplateError(`${where}: ${a[0]}`);
      case "printf": need(1); return sprintf(a[0], a.slice(1), where);
      case "print": return a.map(str).join("");
      case "trunc": need(2); return str(a[1]).slice(0, a[0]);
      case "trimSuffix": need(2); return str(a[1]).endsWith(a[0]) ? str(a[1]).slice(0, -a[0].length || undefined) : str(a[1]);
      case "trimPrefix": need(2); return str(a[1]).startsWith(a[0]) ? str(a[1]).slice(a[0].length) : str(a[1]);
      case "trim": need(1); return str(a[0]).trim();
      case "replace": need(3); return str(a[2]).split(a[0]).join(a[1]);
      case "contains": need(2); return str(a[1]).includes(str(a[0]));
      case "hasPrefix": need(2); return str(a[1]).startsWith(str(a[0]));
      case "lower": need(1); return str(a[0]).toLowerCase();
      case "upper": need(1); return str(a[0]).toUpperCase();
      case "toString": need(1); return str(a[0]);
      case "int": need(1); return Math.trunc(Number(a[0]) || 0);
      case "splitList": need(2); return str(a[1]).split(a[0]);
      case "join": need(2); return (a[1] ?? []).map(str).join(a[0]);
      case "list": return [...a];
      case "dict": { const d = {}; for (let i = 0; i + 1 < a.length; i += 2) d[a[i]] = a[i + 1]; return d; }
      case "hasKey": need(2); return a[0] != null && Object.prototype.hasOwnProperty.call(a[0], a[1]);
      case "empty": need(1); return !truthy(a[0]);
      case "not": need(1); return !truthy(a[0]);
      case "eq": need(2); return a.slice(1).some((b) => a[0] === b);
      case "ne": need(2); return a[0] !== a[1];
      case "lt": need(2); return a[0] < a[1];
      case "le": need(2); return a[0] <= a[1];
      case "gt": need(2); return a[0] > a[1];
      case "ge": need(2); return a[0] >= a[1];
      case "len": need(1); return Array.isArray(a[0]) || typeof a[0] === "string" ? a[0].length : Object.keys(a[0] ?? {}).length;
      case "ternary": need(3); return truthy(a[2]) ? a[0] : a[1];
      case "coalesce": return a.find(truthy);
      default: throw new TemplateError(`${where}: function "${name}" not defined`);
    }
  }
}

function walk(v, path, where, from) {
  let cur = v;
  let name = from;
  for (const p of path) {
    if (cur === undefined || cur === null) throw new TemplateError(`${where}: nil pointer evaluating ${name}.${p}`);
    if (typeof cur !== "object") throw new TemplateError(`${where}: can't evaluate field ${p} in ${typeof cur} (${name})`);
    cur = cur[p];
    name = `${name === "." ? "" : name}.${p}`;
  }
  return cur;
}

export { TemplateError };
