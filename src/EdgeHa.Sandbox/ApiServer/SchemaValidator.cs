using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Structural-schema handling for custom resources, in the order the real server applies it:
/// defaults, pruning of unknown fields, then validation of types, required, enum, numeric bounds,
/// string and list lengths and patterns. CEL rules (x-kubernetes-validations) are not evaluated.
/// </summary>
internal static class SchemaValidator
{
    /// <summary>Defaults and prunes <paramref name="obj"/> in place; returns the validation errors.</summary>
    public static List<FieldError> Apply(JsonObject obj, JsonObject schema)
    {
        var errors = new List<FieldError>();
        var cel = new List<(JsonNode Value, JsonArray Rules, string Path)>();
        Walk(obj, schema, "", errors, cel, root: true);
        if (errors.Count == 0)
        {
            // As on the real server, CEL rules see the defaulted, pruned, structurally valid object.
            foreach (var (value, rules, path) in cel)
            {
                CheckRules(value, rules, path, errors);
            }
        }

        return errors;
    }

    private static void Walk(JsonNode? value, JsonObject schema, string path, List<FieldError> errors, List<(JsonNode Value, JsonArray Rules, string Path)> cel, bool root = false)
    {
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && schema["type"] is not null)
            {
                errors.Add(FieldError.TypeInvalid(path, null, $"{path} in body must be of type {schema["type"]}: \"null\""));
            }

            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var actual = TypeOf(value);
        if (intOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.TypeInvalid(path, value, $"{path} in body must be of type integer,string: \"{actual}\""));
                return;
            }
        }
        else if (type is not null && actual != type && !(type == "number" && actual == "integer"))
        {
            errors.Add(FieldError.TypeInvalid(path, value, $"{path} in body must be of type {type}: \"{actual}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed));
        }

        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            cel.Add((value, rules, path));
        }

        switch (value)
        {
            case JsonObject o:
                WalkObject(o, schema, path, errors, cel, root);
                break;
            case JsonArray a:
                WalkArray(a, schema, path, errors, cel);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                CheckString(v.GetValue<string>(), value, schema, path, errors);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                CheckNumber(JsonNumbers.AsDouble(v), value, schema, path, errors);
                break;
        }
    }

    private static void WalkObject(JsonObject o, JsonObject schema, string path, List<FieldError> errors, List<(JsonNode Value, JsonArray Rules, string Path)> cel, bool root)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (properties is not null)
        {
            foreach (var (name, propSchema) in properties)
            {
                if (!o.ContainsKey(name) && propSchema?["default"] is { } def)
                {
                    o[name] = def.DeepClone();
                }
            }
        }

        foreach (var key in o.Select(kv => kv.Key).ToList())
        {
            var child = Join(path, key);
            if (root && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (properties?[key] is JsonObject propSchema)
            {
                Walk(o[key], propSchema, child, errors, cel);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Walk(o[key], additionalSchema, child, errors, cel);
            }
            else if (!preserve && !(additional is JsonValue b && b.GetValue<bool>()))
            {
                o.Remove(key);
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()))
            {
                if (!o.ContainsKey(name))
                {
                    errors.Add(FieldError.Required(Join(path, name)));
                }
            }
        }
    }

    private static void WalkArray(JsonArray a, JsonObject schema, string path, List<FieldError> errors, List<(JsonNode Value, JsonArray Rules, string Path)> cel)
    {
        if (schema["maxItems"] is JsonValue max && a.Count > JsonNumbers.AsLong(max))
        {
            errors.Add(FieldError.TooMany(path, JsonNumbers.AsLong(max)));
        }

        if (schema["minItems"] is JsonValue min && a.Count < JsonNumbers.AsLong(min))
        {
            errors.Add(FieldError.InvalidValue(path, a.Count, $"{path} in body should have at least {JsonNumbers.AsLong(min)} items"));
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < a.Count; i++)
            {
                Walk(a[i], items, $"{path}[{i}]", errors, cel);
            }
        }
    }

    private static void CheckString(string s, JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["maxLength"] is JsonValue max && s.Length > JsonNumbers.AsLong(max))
        {
            errors.Add(FieldError.TooLong(path, JsonNumbers.AsLong(max)));
        }

        if (schema["minLength"] is JsonValue min && s.Length < JsonNumbers.AsLong(min))
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be at least {JsonNumbers.AsLong(min)} chars long"));
        }

        if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should match '{pattern}'"));
        }
    }

    private static void CheckNumber(double n, JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["minimum"] is JsonValue min)
        {
            var exclusive = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
            var bound = JsonNumbers.AsDouble(min);
            if (exclusive ? n <= bound : n < bound)
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be greater than {(exclusive ? "" : "or equal to ")}{Format(bound)}"));
            }
        }

        if (schema["maximum"] is JsonValue max)
        {
            var exclusive = schema["exclusiveMaximum"]?.GetValue<bool>() == true;
            var bound = JsonNumbers.AsDouble(max);
            if (exclusive ? n >= bound : n > bound)
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be less than {(exclusive ? "" : "or equal to ")}{Format(bound)}"));
            }
        }
    }

    private static void CheckRules(JsonNode value, JsonArray rules, string path, List<FieldError> errors)
    {
        foreach (var rule in rules.OfType<JsonObject>())
        {
            if (rule["rule"]?.GetValue<string>() is not { } expression || CelEvaluator.Evaluate(expression, value) != false)
            {
                continue;
            }

            var fieldPath = rule["fieldPath"]?.GetValue<string>() ?? "";
            var field = path + fieldPath;
            var message = rule["message"]?.GetValue<string>() ?? $"failed rule: {expression}";
            var target = fieldPath.Length == 0 ? value : TableConverter.Evaluate(value, fieldPath) ?? value;
            errors.Add(FieldError.InvalidValue(field.TrimStart('.'), TypeOf(target), message));
        }
    }

    private static string TypeOf(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => JsonNumbers.AsDouble(v) is var d && Math.Floor(d) == d && !v.ToJsonString().Contains('.', StringComparison.Ordinal) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
