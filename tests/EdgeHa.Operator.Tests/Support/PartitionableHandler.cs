namespace EdgeHa.Operator.Tests.Support;

/// <summary>An HTTP handler that can be cut off, as a network partition between one node and the API server.</summary>
internal sealed class PartitionableHandler() : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
{
    private volatile bool _cut;

    public bool Cut
    {
        get => _cut;
        set => _cut = value;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Cut ? Task.FromException<HttpResponseMessage>(new HttpRequestException("partitioned from the API server")) : base.SendAsync(request, cancellationToken);
}
