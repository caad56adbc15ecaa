namespace EdgeHa.Sandbox.ApiServer;

/// <summary>Who made a request, as kube-apiserver's authenticators name them: a user name and its groups.</summary>
internal sealed record RequestUser(string Name, IReadOnlyList<string> Groups)
{
    public const string Masters = "system:masters";
    public const string Authenticated = "system:authenticated";

    /// <summary>The sandbox's own token and client certificates: the cluster admin, as a kind kubeconfig is.</summary>
    public static RequestUser Admin { get; } = new("kubernetes-admin", [Masters, Authenticated]);

    /// <summary>A ServiceAccount's identity with the groups the real token authenticator adds.</summary>
    public static RequestUser ServiceAccount(string ns, string name) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", Authenticated]);

    public bool IsMaster => Groups.Contains(Masters, StringComparer.Ordinal);

    /// <summary>The namespace and name when this is a ServiceAccount, else null.</summary>
    public (string Namespace, string Name)? ServiceAccountName =>
        Name.Split(':') is ["system", "serviceaccount", var ns, var name] ? (ns, name) : null;
}
