using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Bearer tokens the sandbox minted for ServiceAccounts (TokenRequest, <c>kubectl create token</c>). Opaque random
/// strings rather than signed JWTs: only the sandbox reads them, and the clients under test treat tokens as opaque.
/// </summary>
internal sealed class ServiceAccountTokens
{
    private readonly ConcurrentDictionary<string, (string Namespace, string Name, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public string Issue(string ns, string name, DateTimeOffset expires)
    {
        var token = $"sandbox-sa.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";
        _tokens[token] = (ns, name, expires);
        return token;
    }

    /// <summary>The ServiceAccount a token authenticates, or null when it is unknown or expired.</summary>
    public RequestUser? Authenticate(string token, DateTimeOffset now) =>
        _tokens.TryGetValue(token, out var t) && now < t.Expires ? RequestUser.ServiceAccount(t.Namespace, t.Name) : null;
}
