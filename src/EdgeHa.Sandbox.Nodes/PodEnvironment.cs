using System.Text;
using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// Builds what a container is started with, as the kubelet does: the sandbox variables (EDGEHA_BIND_ADDRESS, POD_NAME,
/// POD_NAMESPACE, POD_IP, NODE_NAME), then the container's env in order with downward-API fieldRefs resolved and
/// $(VAR) references expanded (also in command and args; $$ escapes).
/// </summary>
internal static class PodEnvironment
{
    public const string BindAddressVariable = "EDGEHA_BIND_ADDRESS";

    public static PodLaunch Launch(Pod pod, string podIp, string nodeName, string hostIp)
    {
        var containers = (pod.Spec?.Containers ?? []).Select(c => Container(pod, c, podIp, nodeName, hostIp)).ToList();
        return new PodLaunch(pod.Metadata.Namespace ?? "default", pod.Metadata.Name ?? "", pod.Metadata.Uid ?? "", podIp, nodeName, containers);
    }

    public static ContainerLaunch Container(Pod pod, Container container, string podIp, string nodeName, string hostIp)
    {
        var env = new List<KeyValuePair<string, string>>
        {
            new(BindAddressVariable, podIp),
            new("POD_NAME", pod.Metadata.Name ?? ""),
            new("POD_NAMESPACE", pod.Metadata.Namespace ?? "default"),
            new("POD_IP", podIp),
            new("NODE_NAME", nodeName),
        };
        string? error = null;
        foreach (var variable in container.Env ?? [])
        {
            string value;
            if (variable.ValueFrom is { } from)
            {
                var resolved = ResolveValueFrom(pod, from, podIp, nodeName, hostIp);
                if (resolved.Error is not null)
                {
                    error ??= $"env {variable.Name}: {resolved.Error}";
                    continue;
                }

                value = resolved.Value!;
            }
            else
            {
                value = Expand(variable.Value ?? "", Lookup(env));
            }

            Set(env, variable.Name, value);
        }

        var lookup = Lookup(env);
        return new ContainerLaunch(
            container.Name,
            container.Image ?? "",
            (container.Command ?? []).Select(a => Expand(a, lookup)).ToList(),
            (container.Args ?? []).Select(a => Expand(a, lookup)).ToList(),
            env,
            error);
    }

    /// <summary>Kubernetes variable expansion: $(NAME) is replaced when NAME is defined, left as is otherwise; $$ is a literal $.</summary>
    public static string Expand(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c != '$' || i + 1 >= input.Length)
            {
                sb.Append(c);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                if (lookup(name) is { } value)
                {
                    sb.Append(value);
                }
                else
                {
                    sb.Append(input, i, close - i + 1);
                }

                i = close;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static Func<string, string?> Lookup(List<KeyValuePair<string, string>> env) =>
        name => env.FindLast(e => e.Key == name) is { Key: not null } hit ? hit.Value : null;

    private static void Set(List<KeyValuePair<string, string>> env, string name, string value)
    {
        var index = env.FindIndex(e => e.Key == name);
        if (index >= 0)
        {
            env[index] = new(name, value);
        }
        else
        {
            env.Add(new(name, value));
        }
    }

    private static (string? Value, string? Error) ResolveValueFrom(Pod pod, JsonElement from, string podIp, string nodeName, string hostIp)
    {
        if (from.ValueKind != JsonValueKind.Object || !from.TryGetProperty("fieldRef", out var fieldRef) || fieldRef.ValueKind != JsonValueKind.Object)
        {
            return (null, "only valueFrom.fieldRef is supported by the sandbox");
        }

        var path = fieldRef.TryGetProperty("fieldPath", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        return path switch
        {
            "metadata.name" => (pod.Metadata.Name ?? "", null),
            "metadata.namespace" => (pod.Metadata.Namespace ?? "default", null),
            "metadata.uid" => (pod.Metadata.Uid ?? "", null),
            "status.podIP" => (podIp, null),
            "status.hostIP" => (hostIp, null),
            "spec.nodeName" => (nodeName, null),
            "spec.serviceAccountName" => (pod.Spec?.ServiceAccountName ?? "default", null),
            _ when MapKey(path, "metadata.labels") is { } key => (pod.Metadata.Labels?.ValueOrNull(key) ?? "", null),
            _ when MapKey(path, "metadata.annotations") is { } key => (pod.Metadata.Annotations?.ValueOrNull(key) ?? "", null),
            _ => (null, $"fieldRef \"{path}\" is not supported"),
        };
    }

    private static string? MapKey(string path, string prefix) =>
        path.StartsWith(prefix + "['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal)
            ? path[(prefix.Length + 2)..^2]
            : null;
}
