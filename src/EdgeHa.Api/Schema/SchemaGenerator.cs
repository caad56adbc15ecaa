using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeHa.Kube.Models;

namespace EdgeHa.Api.Schema;

/// <summary>
/// Maps C# API types to structural OpenAPI v3 schema nodes by reflection. A node is a dictionary with ordinally
/// sorted keys, so the emitted YAML is byte-for-byte stable.
/// </summary>
/// <remarks>
/// Mapping: string -> string; bool -> boolean; int -> integer/int32; long -> integer/int64; DateTimeOffset -> string/date-time;
/// enum -> string with enum (member names); JsonObject -> object preserving unknown fields (embedded pod template);
/// List&lt;T&gt; -> array (a list-map when [ListMapKey]); IDictionary&lt;string,T&gt; -> object with additionalProperties;
/// <see cref="Condition"/> -> the standard metav1.Condition schema; any other class -> object with its public properties.
/// Attributes: [Required], [Range], [RegularExpression], [MinLength]/[MaxLength] (strings and lists), [DefaultValue],
/// [CelRule] on classes, [ListMapKey] on lists. A non-nullable class property that is not [Required] gets <c>default: {}</c>,
/// so the API server applies the defaults nested inside it when the object is omitted.
/// </remarks>
public sealed class SchemaGenerator
{
    private readonly List<string> _undocumented = [];

    /// <summary>Members that have no XML summary (type-qualified); the CRD generator refuses to emit when any exist.</summary>
    public IReadOnlyList<string> Undocumented => _undocumented;

    /// <summary>The schema of an object type: its properties, required list and CEL rules.</summary>
    public SortedDictionary<string, object> ForType(Type type)
    {
        var schema = ForClrType(type);
        var description = XmlDocumentation.Summary(type);
        if (description is null)
        {
            _undocumented.Add(type.FullName!);
        }
        else
        {
            schema["description"] = description;
        }

        return schema;
    }

    /// <summary>The schema of one property, with its description and the facts its attributes declare.</summary>
    public SortedDictionary<string, object> ForProperty(PropertyInfo property)
    {
        var schema = ForClrType(property.PropertyType);
        var description = XmlDocumentation.Summary(property);
        if (description is null)
        {
            _undocumented.Add(property.DeclaringType!.FullName + "." + property.Name);
        }
        else
        {
            schema["description"] = description;
        }

        var isArray = (string)schema["type"] == "array";
        foreach (var attribute in property.GetCustomAttributes(inherit: true))
        {
            switch (attribute)
            {
                case RangeAttribute range:
                    schema["minimum"] = Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
                    schema["maximum"] = Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case RegularExpressionAttribute regex:
                    schema["pattern"] = regex.Pattern;
                    break;
                case MaxLengthAttribute max:
                    schema[isArray ? "maxItems" : "maxLength"] = max.Length;
                    break;
                case MinLengthAttribute min:
                    schema[isArray ? "minItems" : "minLength"] = min.Length;
                    break;
                case DefaultValueAttribute { Value: not null } defaultValue:
                    schema["default"] = defaultValue.Value is Enum e ? e.ToString() : defaultValue.Value;
                    break;
                case ListMapKeyAttribute key:
                    schema["x-kubernetes-list-type"] = "map";
                    schema["x-kubernetes-list-map-keys"] = new List<object> { key.Key };
                    break;
            }
        }

        if (IsObjectClass(property.PropertyType) && !IsRequired(property)
            && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.NotNull) // the context is not thread-safe
        {
            schema["default"] = new SortedDictionary<string, object>(StringComparer.Ordinal);
        }

        return schema;
    }

    /// <summary>The camelCase JSON name of a property, honouring [JsonPropertyName].</summary>
    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The properties that appear in JSON, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0
                && p.GetCustomAttribute<JsonIgnoreAttribute>() is null
                && p.GetCustomAttribute<JsonExtensionDataAttribute>() is null)
            .OrderBy(p => p.MetadataToken);

    private static bool IsRequired(PropertyInfo property) => property.GetCustomAttribute<RequiredAttribute>() is not null;

    private static bool IsObjectClass(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(JsonObject) && !typeof(IEnumerable).IsAssignableFrom(type);

    private SortedDictionary<string, object> ForClrType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schema = new SortedDictionary<string, object>(StringComparer.Ordinal);

        if (type == typeof(string))
        {
            schema["type"] = "string";
        }
        else if (type == typeof(bool))
        {
            schema["type"] = "boolean";
        }
        else if (type == typeof(int))
        {
            schema["type"] = "integer";
            schema["format"] = "int32";
        }
        else if (type == typeof(long))
        {
            schema["type"] = "integer";
            schema["format"] = "int64";
        }
        else if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            schema["type"] = "string";
            schema["format"] = "date-time";
        }
        else if (type.IsEnum)
        {
            schema["type"] = "string";
            schema["enum"] = Enum.GetNames(type).Cast<object>().ToList();
        }
        else if (type == typeof(JsonObject))
        {
            schema["type"] = "object";
            schema["x-kubernetes-preserve-unknown-fields"] = true;
            schema["x-kubernetes-embedded-resource"] = false;
        }
        else if (type == typeof(Condition))
        {
            return ConditionSchema();
        }
        else if (DictionaryValueType(type) is { } valueType)
        {
            schema["type"] = "object";
            schema["additionalProperties"] = ForClrType(valueType);
        }
        else if (ElementType(type) is { } elementType)
        {
            schema["type"] = "array";
            schema["items"] = ForClrType(elementType);
        }
        else if (type == typeof(float) || type == typeof(double) || type == typeof(decimal))
        {
            throw new NotSupportedException($"{type.Name}: Kubernetes APIs avoid floating point; use an integer in smaller units.");
        }
        else if (type.IsClass)
        {
            schema["type"] = "object";
            if (XmlDocumentation.Summary(type) is { } typeDescription)
            {
                schema["description"] = typeDescription; // a property's own comment replaces it in ForProperty
            }

            var properties = new SortedDictionary<string, object>(StringComparer.Ordinal);
            var required = new List<object>();
            foreach (var property in JsonProperties(type))
            {
                var name = JsonName(property);
                properties[name] = ForProperty(property);
                if (IsRequired(property))
                {
                    required.Add(name);
                }
            }

            schema["properties"] = properties;
            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            var rules = type.GetCustomAttributes<CelRuleAttribute>(inherit: false)
                .Select(object (r) =>
                {
                    var rule = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["rule"] = r.Rule, ["message"] = r.Message };
                    if (r.FieldPath is not null)
                    {
                        rule["fieldPath"] = r.FieldPath;
                    }

                    return rule;
                })
                .ToList();
            if (rules.Count > 0)
            {
                schema["x-kubernetes-validations"] = rules;
            }
        }
        else
        {
            throw new NotSupportedException($"No schema mapping for {type.FullName}.");
        }

        return schema;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1
            ? type.GetGenericArguments()[0]
            : null;

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary is not null && dictionary.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    /// <summary>The schema of metav1.Condition exactly as Kubernetes publishes it, so conditions validate the same everywhere.</summary>
    internal static SortedDictionary<string, object> ConditionSchema()
    {
        static SortedDictionary<string, object> Node(params (string Key, object Value)[] entries)
        {
            var node = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var (key, value) in entries)
            {
                node[key] = value;
            }

            return node;
        }

        return Node(
            ("description", "Condition contains details for one aspect of the current state of this API Resource."),
            ("type", "object"),
            ("required", new List<object> { "lastTransitionTime", "message", "reason", "status", "type" }),
            ("properties", Node(
                ("lastTransitionTime", Node(
                    ("description", "lastTransitionTime is the last time the condition transitioned from one status to another."),
                    ("type", "string"),
                    ("format", "date-time"))),
                ("message", Node(
                    ("description", "message is a human readable message indicating details about the transition."),
                    ("type", "string"),
                    ("maxLength", 32768))),
                ("observedGeneration", Node(
                    ("description", "observedGeneration is the .metadata.generation that the condition was set based upon."),
                    ("type", "integer"),
                    ("format", "int64"),
                    ("minimum", 0L))),
                ("reason", Node(
                    ("description", "reason contains a programmatic identifier indicating the reason for the condition's last transition, in CamelCase."),
                    ("type", "string"),
                    ("minLength", 1),
                    ("maxLength", 1024),
                    ("pattern", "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"))),
                ("status", Node(
                    ("description", "status of the condition, one of True, False, Unknown."),
                    ("type", "string"),
                    ("enum", new List<object> { "True", "False", "Unknown" }))),
                ("type", Node(
                    ("description", "type of condition in CamelCase or in foo.example.com/CamelCase."),
                    ("type", "string"),
                    ("maxLength", 316),
                    ("pattern", "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"))))));
    }
}
