using System.Collections.Concurrent;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>
/// An HTTP handler that can be cut off, as a network partition between one node and the API server (the client puts
/// it in front of its own transport). It keeps the
/// method and path of every request that went out, so a test can check them against the RBAC the node's pods get.
/// </summary>
/// <param name="node">The handler of the node this one is another client on: its cut cuts this one too, and it sees
/// this one's requests.</param>
internal sealed class PartitionableHandler(PartitionableHandler? node = null) : DelegatingHandler
{
    private volatile bool _cut;

    public bool Cut
    {
        get => _cut || node?.Cut == true;
        set => _cut = value;
    }

    /// <summary>Every request sent (not cut off): method and path with query.</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery)> Sent { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Cut)
        {
            return Task.FromException<HttpResponseMessage>(new HttpRequestException("partitioned from the API server"));
        }

        Sent.Enqueue((request.Method.Method, request.RequestUri!.PathAndQuery));
        node?.Sent.Enqueue((request.Method.Method, request.RequestUri!.PathAndQuery));
        return base.SendAsync(request, cancellationToken);
    }
}
