using EdgeHa.Api;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kubectl.Commands;

/// <summary>
/// Which events belong to a pair: those regarding (or related to) the RedundantPair itself, its Deployments
/// <c>&lt;pair&gt;-&lt;node&gt;</c> and <c>&lt;pair&gt;-simulator</c> with their ReplicaSets and pods, its Services
/// <c>&lt;pair&gt;-vip</c> and <c>&lt;pair&gt;-simulator</c>, and its Lease <c>&lt;pair&gt;-active</c>.
/// </summary>
internal sealed class PairEventFilter
{
    private static readonly string[] PrefixKinds = ["ReplicaSet", "Pod"];
    private readonly HashSet<(string Namespace, string Kind, string Name)> _exact = [];
    private readonly List<(string Namespace, string Prefix)> _prefixes = [];
    private readonly bool _anyPair;

    /// <param name="pairs">The pairs whose objects count.</param>
    /// <param name="anyPair">Also match events about any RedundantPair (pairs created after the listing).</param>
    public PairEventFilter(IEnumerable<RedundantPair> pairs, bool anyPair)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        _anyPair = anyPair;
        foreach (var pair in pairs)
        {
            var ns = pair.Metadata.Namespace ?? "";
            var name = pair.Metadata.Name ?? "";
            _exact.Add((ns, RedundantPair.KindName, name));
            _exact.Add((ns, "Service", $"{name}-vip"));
            _exact.Add((ns, "Service", $"{name}-simulator"));
            _exact.Add((ns, "Lease", $"{name}-active"));
            foreach (var deployment in new[] { pair.Spec.PrimaryNode, pair.Spec.StandbyNode, "simulator" }.Where(n => !string.IsNullOrEmpty(n)).Select(n => $"{name}-{n}"))
            {
                _exact.Add((ns, "Deployment", deployment));
                _prefixes.Add((ns, deployment + "-"));
            }
        }
    }

    public bool Matches(Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var ns = e.Regarding?.Namespace ?? e.Metadata.Namespace ?? "";
        return About(e.Regarding, ns) || About(e.Related, e.Related?.Namespace ?? ns);
    }

    private bool About(ObjectReference? r, string ns)
    {
        if (r?.Kind is not { } kind || r.Name is not { } name)
        {
            return false;
        }

        if (_anyPair && kind == RedundantPair.KindName)
        {
            return true;
        }

        if (_exact.Contains((ns, kind, name)))
        {
            return true;
        }

        return PrefixKinds.Contains(kind) && _prefixes.Any(p => p.Namespace == ns && name.StartsWith(p.Prefix, StringComparison.Ordinal));
    }
}
