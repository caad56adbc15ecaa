using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// A small subset of CEL for CRD <c>x-kubernetes-validations</c>: literals (int, double, 'string', "string",
/// true, false, null, lists), <c>self</c> field access and indexing, <c>has()</c>, <c>! - * / % + -</c>,
/// comparisons, <c>in</c>, <c>&amp;&amp; ||</c>, <c>? :</c>, <c>size()</c> and the macros <c>all</c>,
/// <c>exists</c>, <c>exists_one</c>, <c>filter</c>, <c>map</c>. A rule outside the subset (other functions,
/// <c>oldSelf</c>) or one that fails at run time (e.g. a missing field) is not enforced: <see cref="Evaluate"/>
/// returns null for it.
/// </summary>
internal static class CelEvaluator
{
    /// <summary>True or false for a rule in the subset; null when the sandbox cannot evaluate it.</summary>
    public static bool? Evaluate(string rule, JsonNode? self)
    {
        if (rule.Contains("oldSelf", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var parser = new Parser(Tokenize(rule));
            var ast = parser.ParseExpression();
            parser.ExpectEnd();
            return Eval(ast, new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = FromJson(self) }) as bool?;
        }
        catch (CelException)
        {
            return null;
        }
    }

    private sealed class CelException(string message) : Exception(message);

    private abstract record Node;

    private sealed record Literal(object? Value) : Node;

    private sealed record Ident(string Name) : Node;

    private sealed record Select(Node Target, string Field) : Node;

    private sealed record Index(Node Target, Node Key) : Node;

    private sealed record Call(Node? Target, string Function, IReadOnlyList<Node> Args) : Node;

    private sealed record Unary(string Op, Node Operand) : Node;

    private sealed record Binary(string Op, Node Left, Node Right) : Node;

    private sealed record Conditional(Node Test, Node Then, Node Else) : Node;

    private sealed record ListLiteral(IReadOnlyList<Node> Items) : Node;

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var sb = new StringBuilder("'");
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i++]);
                }

                if (i >= text.Length)
                {
                    throw new CelException("unterminated string");
                }

                i++;
                tokens.Add(sb.ToString());
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.' || text[i] is 'e' or 'E'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(two);
                    i += 2;
                }
                else if ("()[].,!<>+-*/%?:".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                else
                {
                    throw new CelException($"unexpected character '{c}'");
                }
            }
        }

        return tokens;
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _pos;
        private int _depth;

        private string? Peek => _pos < tokens.Count ? tokens[_pos] : null;

        public void ExpectEnd()
        {
            if (Peek is not null)
            {
                throw new CelException($"unexpected '{Peek}'");
            }
        }

        public Node ParseExpression()
        {
            // Bounded nesting keeps a hostile rule from overflowing the stack.
            if (++_depth > 64)
            {
                throw new CelException("rule nests too deeply");
            }

            var test = Or();
            _depth--;
            if (Accept("?"))
            {
                var then = ParseExpression();
                Expect(":");
                return new Conditional(test, then, ParseExpression());
            }

            return test;
        }

        private Node Or() => LeftAssoc(And, "||");

        private Node And() => LeftAssoc(Relation, "&&");

        private Node Relation()
        {
            var left = Add();
            if (Peek is "==" or "!=" or "<" or "<=" or ">" or ">=" or "in")
            {
                var op = tokens[_pos++];
                return new Binary(op, left, Add());
            }

            return left;
        }

        private Node Add() => LeftAssoc(Mul, "+", "-");

        private Node Mul() => LeftAssoc(UnaryExpr, "*", "/", "%");

        private Node LeftAssoc(Func<Node> next, params string[] ops)
        {
            var left = next();
            while (Peek is { } p && ops.Contains(p))
            {
                _pos++;
                left = new Binary(p, left, next());
            }

            return left;
        }

        private Node UnaryExpr()
        {
            if (Accept("!"))
            {
                return new Unary("!", UnaryExpr());
            }

            if (Accept("-"))
            {
                return new Unary("-", UnaryExpr());
            }

            return Postfix();
        }

        private Node Postfix()
        {
            var node = Primary();
            while (true)
            {
                if (Accept("."))
                {
                    var name = Next();
                    node = Accept("(") ? new Call(node, name, Args()) : new Select(node, name);
                }
                else if (Accept("["))
                {
                    var key = ParseExpression();
                    Expect("]");
                    node = new Index(node, key);
                }
                else
                {
                    return node;
                }
            }
        }

        private Node Primary()
        {
            var t = Next();
            if (t == "(")
            {
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }

            if (t == "[")
            {
                var items = new List<Node>();
                while (!Accept("]"))
                {
                    items.Add(ParseExpression());
                    Accept(",");
                }

                return new ListLiteral(items);
            }

            if (t[0] == '\'')
            {
                return new Literal(t[1..]);
            }

            if (char.IsDigit(t[0]))
            {
                return t.Contains('.', StringComparison.Ordinal) || t.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? new Literal(double.Parse(t, CultureInfo.InvariantCulture))
                    : new Literal((object)long.Parse(t, CultureInfo.InvariantCulture));
            }

            return t switch
            {
                "true" => new Literal(true),
                "false" => new Literal(false),
                "null" => new Literal(null),
                _ when Accept("(") => new Call(null, t, Args()),
                _ when char.IsLetter(t[0]) || t[0] == '_' => new Ident(t),
                _ => throw new CelException($"unexpected '{t}'"),
            };
        }

        private List<Node> Args()
        {
            var args = new List<Node>();
            while (!Accept(")"))
            {
                args.Add(ParseExpression());
                Accept(",");
            }

            return args;
        }

        private string Next() => _pos < tokens.Count ? tokens[_pos++] : throw new CelException("unexpected end of rule");

        private bool Accept(string token)
        {
            if (Peek == token)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new CelException($"expected '{token}'");
            }
        }
    }

    private static object? Eval(Node node, Dictionary<string, object?> env)
    {
        switch (node)
        {
            case Literal l:
                return l.Value;
            case Ident i:
                return env.TryGetValue(i.Name, out var v) ? v : throw new CelException($"undeclared reference to '{i.Name}'");
            case Select s:
                return Eval(s.Target, env) is JsonObject o && o.TryGetPropertyValue(s.Field, out var f)
                    ? FromJson(f)
                    : throw new CelException($"no such key: {s.Field}");
            case Index ix:
                return (Eval(ix.Target, env), Eval(ix.Key, env)) switch
                {
                    (List<object?> list, long n) when n >= 0 && n < list.Count => list[(int)n],
                    (JsonObject map, string k) when map.TryGetPropertyValue(k, out var entry) => FromJson(entry),
                    _ => throw new CelException("invalid index"),
                };
            case Conditional c:
                return Truth(Eval(c.Test, env)) ? Eval(c.Then, env) : Eval(c.Else, env);
            case ListLiteral ll:
                return ll.Items.Select(item => Eval(item, env)).ToList();
            case Unary { Op: "!" } u:
                return !Truth(Eval(u.Operand, env));
            case Unary u:
                return Eval(u.Operand, env) switch
                {
                    long n => -n,
                    double d => -d,
                    _ => throw new CelException("no such overload: -"),
                };
            case Binary { Op: "&&" } b:
                return Truth(Eval(b.Left, env)) && Truth(Eval(b.Right, env));
            case Binary { Op: "||" } b:
                return Truth(Eval(b.Left, env)) || Truth(Eval(b.Right, env));
            case Binary b:
                return Apply(b.Op, Eval(b.Left, env), Eval(b.Right, env));
            case Call { Target: null, Function: "has" } has when has.Args is [Select sel]:
                return Eval(sel.Target, env) is JsonObject target && target.ContainsKey(sel.Field);
            case Call { Target: null, Function: "size" } size when size.Args.Count == 1:
                return Size(Eval(size.Args[0], env));
            case Call { Target: { } t, Function: "size" }:
                return Size(Eval(t, env));
            case Call { Target: { } t, Function: "all" or "exists" or "exists_one" or "filter" or "map" } m when m.Args is [Ident variable, var body]:
                return Macro(m.Function, Eval(t, env), variable.Name, body, env);
            default:
                throw new CelException("unsupported expression");
        }
    }

    private static object? Macro(string function, object? target, string variable, Node body, Dictionary<string, object?> env)
    {
        var items = target switch
        {
            List<object?> list => list,
            JsonObject map => map.Select(kv => (object?)kv.Key).ToList(),
            _ => throw new CelException("macro target is not a list or map"),
        };
        var scope = new Dictionary<string, object?>(env, StringComparer.Ordinal);
        object? Run(object? item)
        {
            scope[variable] = item;
            return Eval(body, scope);
        }

        return function switch
        {
            "all" => items.All(i => Truth(Run(i))),
            "exists" => items.Any(i => Truth(Run(i))),
            "exists_one" => items.Count(i => Truth(Run(i))) == 1,
            "filter" => items.Where(i => Truth(Run(i))).ToList(),
            _ => items.Select(Run).ToList(),
        };
    }

    private static object Apply(string op, object? l, object? r)
    {
        if (op is "==" or "!=")
        {
            var equal = Equal(l, r);
            return op == "==" ? equal : !equal;
        }

        if (op == "in")
        {
            return r switch
            {
                List<object?> list => list.Any(x => Equal(x, l)),
                JsonObject map when l is string k => map.ContainsKey(k),
                _ => throw new CelException("no such overload: in"),
            };
        }

        if (l is string ls && r is string rs)
        {
            return op switch
            {
                "+" => ls + rs,
                "<" => string.CompareOrdinal(ls, rs) < 0,
                "<=" => string.CompareOrdinal(ls, rs) <= 0,
                ">" => string.CompareOrdinal(ls, rs) > 0,
                ">=" => string.CompareOrdinal(ls, rs) >= 0,
                _ => throw new CelException($"no such overload: string {op} string"),
            };
        }

        if (l is List<object?> ll && r is List<object?> rl && op == "+")
        {
            return ll.Concat(rl).ToList();
        }

        if (l is long li && r is long ri)
        {
            return op switch
            {
                "+" => li + ri,
                "-" => li - ri,
                "*" => li * ri,
                "/" => ri == 0 ? throw new CelException("division by zero") : li / ri,
                "%" => ri == 0 ? throw new CelException("modulus by zero") : li % ri,
                "<" => li < ri,
                "<=" => li <= ri,
                ">" => li > ri,
                ">=" => li >= ri,
                _ => throw new CelException($"no such overload: {op}"),
            };
        }

        if (l is double or long && r is double or long)
        {
            // CEL has no implicit int/double arithmetic, but comparing them is allowed.
            var (ld, rd) = (Convert.ToDouble(l, CultureInfo.InvariantCulture), Convert.ToDouble(r, CultureInfo.InvariantCulture));
            if (op is "+" or "-" or "*" or "/" && l is double && r is double)
            {
                return op switch { "+" => ld + rd, "-" => ld - rd, "*" => ld * rd, _ => ld / rd };
            }

            return op switch
            {
                "<" => ld < rd,
                "<=" => ld <= rd,
                ">" => ld > rd,
                ">=" => ld >= rd,
                _ => throw new CelException($"no such overload: {op}"),
            };
        }

        throw new CelException($"no such overload: {op}");
    }

    private static bool Equal(object? l, object? r) => (l, r) switch
    {
        (null, null) => true,
        (long a, double b) => a == b,
        (double a, long b) => a == b,
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => Equal(p.First, p.Second)),
        (JsonObject a, JsonObject b) => JsonNode.DeepEquals(a, b),
        _ => Equals(l, r),
    };

    private static long Size(object? value) => value switch
    {
        string s => s.EnumerateRunes().Count(),
        List<object?> list => list.Count,
        JsonObject map => map.Count,
        _ => throw new CelException("no such overload: size"),
    };

    private static bool Truth(object? value) => value as bool? ?? throw new CelException("expected a bool");

    private static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o,
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.ToJsonString() is var text && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase)
                ? (object)long.Parse(text, CultureInfo.InvariantCulture)
                : double.Parse(text, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
