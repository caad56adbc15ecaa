using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeHa.Api.Schema;
using EdgeHa.Kube.Models;

namespace EdgeHa.Api.Validation;

/// <summary>
/// Validates a RedundantPair in code: everything the CRD schema and its CEL rules say (for clusters that do not
/// evaluate CEL, and for the sandbox API server) plus what they cannot express (the pod template, the ports it
/// exposes, usable IP addresses, unique VIP ports). Every error names the field and says what is allowed.
/// </summary>
public static class RedundantPairValidator
{
    /// <summary>The condition type the operator sets from the result.</summary>
    public const string SpecValidType = "SpecValid";

    /// <summary>The condition reason when the spec is invalid.</summary>
    public const string InvalidSpecReason = "InvalidSpec";

    /// <summary>The condition reason when the spec is valid.</summary>
    public const string ValidSpecReason = "Valid";

    /// <summary>Longest metadata.name: it becomes the edgeha.io/pair label value, which Kubernetes limits to 63.</summary>
    public const int MaxPairNameLength = 63;

    private const int MaxConditionMessage = 32768;

    /// <summary>
    /// All problems of <paramref name="pair"/>, in a stable order; empty when it is valid. Call
    /// <see cref="RedundantPairDefaults.Apply"/> on the spec first: an absent health check is valid (it means HTTP on 8080).
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(RedundantPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var errors = new List<ValidationError>();

        if (pair.Metadata?.Name is { Length: > MaxPairNameLength } name)
        {
            errors.Add(new("metadata.name", $"is {name.Length} characters long; at most {MaxPairNameLength} allowed because it becomes the edgeha.io/pair label value"));
        }

        if (pair.Spec is null)
        {
            errors.Add(new("spec", "is required"));
            return errors;
        }

        var spec = pair.Spec;
        Walk(spec, "spec", errors);
        ValidateNodes(spec, errors);
        ValidateTemplate(spec, errors);
        ValidateHealthCheck(spec, errors);
        ValidateFailover(spec, errors);
        ValidateFencing(spec, errors);
        ValidateVip(spec.Vip, errors);
        ValidateSimulator(spec.Simulator, errors);
        return errors;
    }

    /// <summary>
    /// The SpecValid condition for a validation result: True with reason Valid, or False with reason InvalidSpec
    /// and a message that joins the errors with "; ".
    /// </summary>
    public static Condition SpecValidCondition(IReadOnlyList<ValidationError> errors, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var message = errors.Count == 0 ? "The spec is valid." : string.Join("; ", errors);
        if (message.Length > MaxConditionMessage)
        {
            message = message[..(MaxConditionMessage - 3)] + "...";
        }

        return new Condition
        {
            Type = SpecValidType,
            Status = errors.Count == 0 ? "True" : "False",
            Reason = errors.Count == 0 ? ValidSpecReason : InvalidSpecReason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = now,
        };
    }

    /// <summary>The schema facts declared by attributes ([Required], [Range], [RegularExpression], lengths, enums), for every field.</summary>
    private static void Walk(object target, string path, List<ValidationError> errors)
    {
        foreach (var property in SchemaGenerator.JsonProperties(target.GetType()))
        {
            var fieldPath = path + "." + SchemaGenerator.JsonName(property);
            var value = property.GetValue(target);
            if (value is null || value is string { Length: 0 })
            {
                if (property.GetCustomAttribute<RequiredAttribute>() is not null && property.PropertyType != typeof(int))
                {
                    errors.Add(new(fieldPath, "is required"));
                }

                continue;
            }

            CheckScalar(property, value, fieldPath, errors);
            switch (value)
            {
                case string or JsonObject or Enum or ValueType:
                    break;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is { } item && item.GetType().IsClass && item is not string)
                        {
                            Walk(item, $"{fieldPath}[{i}]", errors);
                        }
                    }

                    break;
                default:
                    if (value.GetType().IsClass && value is not Condition)
                    {
                        Walk(value, fieldPath, errors);
                    }

                    break;
            }
        }
    }

    private static void CheckScalar(PropertyInfo property, object value, string path, List<ValidationError> errors)
    {
        if (value is Enum e && !Enum.IsDefined(e.GetType(), e))
        {
            errors.Add(new(path, $"{Convert.ToInt64(e, CultureInfo.InvariantCulture)} is not one of {string.Join(", ", Enum.GetNames(e.GetType()))}"));
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range && value is int or long)
        {
            var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            var min = Convert.ToInt64(range.Minimum, CultureInfo.InvariantCulture);
            var max = Convert.ToInt64(range.Maximum, CultureInfo.InvariantCulture);
            if (number < min || number > max)
            {
                errors.Add(new(path, $"{number} is out of range; allowed {min}..{max}"));
            }
        }

        if (value is string text)
        {
            if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength && text.Length > maxLength.Length)
            {
                errors.Add(new(path, $"is {text.Length} characters long; at most {maxLength.Length} allowed"));
            }
            else if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } regex
                && !Regex.IsMatch(text, regex.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            {
                errors.Add(new(path, $"\"{text}\" {PatternMeaning(regex.Pattern)}"));
            }
        }

        if (value is ICollection collection)
        {
            if (property.GetCustomAttribute<MinLengthAttribute>() is { } minItems && collection.Count < minItems.Length)
            {
                errors.Add(new(path, $"has {collection.Count} entries; at least {minItems.Length} required"));
            }

            if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxItems && collection.Count > maxItems.Length)
            {
                errors.Add(new(path, $"has {collection.Count} entries; at most {maxItems.Length} allowed"));
            }
        }
    }

    private static string PatternMeaning(string pattern) => pattern switch
    {
        ApiPatterns.Dns1123Subdomain => "is not a valid node name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)",
        ApiPatterns.Dns1123Label => "is not a valid name; use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)",
        ApiPatterns.IpAddress => "is not an IPv4 or IPv6 address; use a literal such as 192.168.10.50 or fd00::50",
        ApiPatterns.HttpPath => "is not a valid path; it must start with '/' and contain no whitespace",
        _ => $"does not match the pattern {pattern}",
    };

    private static void ValidateNodes(RedundantPairSpec spec, List<ValidationError> errors)
    {
        if (!string.IsNullOrEmpty(spec.PrimaryNode) && spec.PrimaryNode == spec.StandbyNode)
        {
            errors.Add(new("spec.standbyNode", $"\"{spec.StandbyNode}\" is the same as primaryNode; the two nodes must differ"));
        }
    }

    private static void ValidateTemplate(RedundantPairSpec spec, List<ValidationError> errors)
    {
        var podSpec = spec.Template?["spec"];
        if (podSpec is not JsonObject podSpecObject)
        {
            errors.Add(new("spec.template.spec", "is required; the pod template needs a spec with at least one container"));
            return;
        }

        if (podSpecObject["nodeName"] is not null)
        {
            errors.Add(new("spec.template.spec.nodeName", "must not be set; the operator pins each node's Deployment with a node selector"));
        }

        if (podSpecObject["containers"] is not JsonArray containers || containers.Count == 0)
        {
            errors.Add(new("spec.template.spec.containers", "the pod template has no containers; add at least one"));
            return;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var path = $"spec.template.spec.containers[{i}]";
            if (containers[i] is not JsonObject container)
            {
                errors.Add(new(path, "must be an object with name and image"));
                continue;
            }

            if (!IsNonEmptyString(container["name"]))
            {
                errors.Add(new(path + ".name", "is required"));
            }

            if (!IsNonEmptyString(container["image"]))
            {
                errors.Add(new(path + ".image", "is required"));
            }
        }
    }

    private static void ValidateHealthCheck(RedundantPairSpec spec, List<ValidationError> errors)
    {
        var check = spec.HealthCheck;
        if (check is null)
        {
            return;
        }

        var kinds = new List<string>();
        if (check.Http is not null)
        {
            kinds.Add("http");
        }

        if (check.Tcp is not null)
        {
            kinds.Add("tcp");
        }

        if (check.Modbus is not null)
        {
            kinds.Add("modbus");
        }

        if (kinds.Count > 1)
        {
            errors.Add(new("spec.healthCheck", $"sets {string.Join(", ", kinds)}; set only one of http, tcp or modbus"));
        }

        var budget = (long)check.PeriodMilliseconds * check.FailureThreshold;
        if (check.TimeoutMilliseconds > budget)
        {
            errors.Add(new(
                "spec.healthCheck.timeoutMilliseconds",
                $"{check.TimeoutMilliseconds} exceeds periodMilliseconds x failureThreshold ({budget}); set it to at most {budget}"));
        }

        var (probePath, port) = check switch
        {
            { Http: { } h } => ("spec.healthCheck.http.port", h.Port),
            { Tcp: { } t } => ("spec.healthCheck.tcp.port", t.Port),
            { Modbus: { } m } => ("spec.healthCheck.modbus.port", m.Port),
            _ => ("spec.healthCheck.http.port", RedundantPairDefaults.DefaultHealthPort),
        };
        var declared = DeclaredContainerPorts(spec.Template);
        if (kinds.Count <= 1 && port is >= 1 and <= 65535 && declared.Count > 0 && !declared.Contains(port))
        {
            errors.Add(new(
                probePath,
                $"{port} is not a containerPort of the pod template (declared: {string.Join(", ", declared)}); use one of them or declare it in the template"));
        }
    }

    private static void ValidateFailover(RedundantPairSpec spec, List<ValidationError> errors)
    {
        var target = spec.Failover?.SwitchoverTo;
        if (!string.IsNullOrEmpty(target) && target != spec.PrimaryNode && target != spec.StandbyNode)
        {
            errors.Add(new(
                "spec.failover.switchoverTo",
                $"\"{target}\" is not one of the pair's nodes; set it to \"{spec.PrimaryNode}\" or \"{spec.StandbyNode}\""));
        }
    }

    private static void ValidateFencing(RedundantPairSpec spec, List<ValidationError> errors)
    {
        // An out-of-range duration or margin is reported by its range check alone.
        if (spec.Fencing is not { LeaseDurationMilliseconds: >= 500 and <= 60000, ClockSkewMarginMilliseconds: >= 0 and <= 10000 } fencing)
        {
            return;
        }

        // The holder acts for the acting window after each renewal it sent; the next renewal must be able to fail once
        // (a request timeout) and still be followed by one that lands inside the window.
        var window = fencing.LeaseDurationMilliseconds - fencing.ClockSkewMarginMilliseconds;
        if (fencing.RenewIntervalMilliseconds >= window)
        {
            errors.Add(new(
                "spec.fencing.renewIntervalMilliseconds",
                $"{fencing.RenewIntervalMilliseconds} is not less than leaseDurationMilliseconds - clockSkewMarginMilliseconds ({fencing.LeaseDurationMilliseconds} - {fencing.ClockSkewMarginMilliseconds} = {window}), the holder's acting window; set it below {window}, typically a third of leaseDurationMilliseconds"));
        }
        else if (fencing.RequestTimeoutMilliseconds is int timeout && fencing.RenewIntervalMilliseconds + (2 * timeout) >= window)
        {
            errors.Add(new(
                "spec.fencing.requestTimeoutMilliseconds",
                $"renewIntervalMilliseconds + 2 x requestTimeoutMilliseconds ({fencing.RenewIntervalMilliseconds} + 2 x {timeout}) is not less than the acting window leaseDurationMilliseconds - clockSkewMarginMilliseconds ({window}); set it below {Math.Max(1, (window - fencing.RenewIntervalMilliseconds - 1) / 2)} or leave it unset"));
        }
    }

    private static void ValidateVip(VipSpec? vip, List<ValidationError> errors)
    {
        if (vip is null)
        {
            return;
        }

        if (vip.Provider != VipProvider.None && string.IsNullOrEmpty(vip.Address))
        {
            errors.Add(new("spec.vip.address", $"is required when provider is {vip.Provider}; set the virtual IPv4 or IPv6 address"));
        }

        // The pattern check in Walk reports malformed text; here a well-formed literal must also be usable.
        if (!string.IsNullOrEmpty(vip.Address) && Regex.IsMatch(vip.Address, ApiPatterns.IpAddress, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            if (!IPAddress.TryParse(vip.Address, out var ip))
            {
                errors.Add(new("spec.vip.address", $"\"{vip.Address}\" is not an IPv4 or IPv6 address; use a literal such as 192.168.10.50 or fd00::50"));
            }
            else if (IsUnusable(ip))
            {
                errors.Add(new("spec.vip.address", $"{vip.Address} is not usable as a virtual IP (unspecified, loopback, multicast or broadcast); use a unicast address"));
            }
        }

        if (!string.IsNullOrEmpty(vip.Pool) && vip.Provider != VipProvider.MetalLB)
        {
            errors.Add(new("spec.vip.pool", $"applies only to provider MetalLB (provider is {vip.Provider}); remove it or change the provider"));
        }

        if (!string.IsNullOrEmpty(vip.Interface) && vip.Provider != VipProvider.KubeVip)
        {
            errors.Add(new("spec.vip.interface", $"applies only to provider KubeVip (provider is {vip.Provider}); remove it or change the provider"));
        }

        var ports = vip.Ports ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (port is null)
            {
                errors.Add(new($"spec.vip.ports[{i}]", "must be an object with name and port"));
                continue;
            }

            var sameName = ports.FindIndex(p => p?.Name == port.Name);
            if (!string.IsNullOrEmpty(port.Name) && sameName < i)
            {
                errors.Add(new($"spec.vip.ports[{i}].name", $"\"{port.Name}\" is used by ports[{sameName}]; port names must be unique"));
            }

            var samePort = ports.FindIndex(p => p?.Port == port.Port && p.Protocol == port.Protocol);
            if (samePort < i)
            {
                errors.Add(new($"spec.vip.ports[{i}].port", $"{port.Port}/{port.Protocol} is used by ports[{samePort}]; each port and protocol may appear once"));
            }
        }
    }

    private static void ValidateSimulator(SimulatorSpec? simulator, List<ValidationError> errors)
    {
        if (simulator?.Image is { Length: > 0 } image && image.Any(char.IsWhiteSpace))
        {
            errors.Add(new("spec.simulator.image", $"\"{image}\" is not a valid image reference; it must not contain whitespace"));
        }
    }

    private static bool IsUnusable(IPAddress ip) =>
        IPAddress.IsLoopback(ip)
        || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast)
        || (ip.AddressFamily == AddressFamily.InterNetwork && ip.GetAddressBytes()[0] is >= 224 and <= 239)
        || (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.IsIPv6Multicast);

    private static List<int> DeclaredContainerPorts(JsonObject? template)
    {
        var result = new SortedSet<int>();
        if (template?["spec"]?["containers"] is JsonArray containers)
        {
            foreach (var container in containers)
            {
                if (container?["ports"] is JsonArray ports)
                {
                    foreach (var port in ports)
                    {
                        if (port?["containerPort"] is JsonValue value && value.TryGetValue<int>(out var number))
                        {
                            result.Add(number);
                        }
                    }
                }
            }
        }

        return [.. result];
    }

    private static bool IsNonEmptyString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0;
}
