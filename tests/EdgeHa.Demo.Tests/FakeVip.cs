using System.Net;
using EdgeHa.Demo.Data;

namespace EdgeHa.Demo.Tests;

/// <summary>A VIP route and sample fetcher driven by the test: which backend answers, and what each one published.</summary>
internal sealed class FakeVip : IVipRoute, ISampleFetcher
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<int>> _published = new(StringComparer.Ordinal);

    public static readonly IPEndPoint Endpoint = new(IPAddress.Parse("127.88.0.1"), 8080);

    public string Name => "192.168.100.50:8080";

    /// <summary>The backend answering now ("edge-a ..."); null means nothing listens.</summary>
    public string? Backend { get; set; }

    /// <summary>When set, reads fail with this message.</summary>
    public string? Failure { get; set; }

    public bool Listening { get; set; } = true;

    public List<int?> AfterRequests { get; } = [];

    /// <summary>Backends whose process is gone (direct reads of them fail).</summary>
    public HashSet<string> Dead { get; } = new(StringComparer.Ordinal);

    public VipTarget? Current() => Listening ? new VipTarget(Endpoint, Backend, Backend is null ? null : EndpointOf(Backend)) : null;

    /// <summary>"edge-a 127.77.1.2:8080" -> 127.77.1.2:8080.</summary>
    public static IPEndPoint EndpointOf(string backend) => IPEndPoint.Parse(backend.Split(' ')[1]);

    public void Publish(string backend, params int[] sequences)
    {
        lock (_gate)
        {
            if (!_published.TryGetValue(backend, out var list))
            {
                _published[backend] = list = [];
            }

            list.AddRange(sequences);
        }
    }

    public Task<SampleBatch> FetchAsync(IPEndPoint endpoint, int? after, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            string? backend;
            if (endpoint.Equals(Endpoint))
            {
                AfterRequests.Add(after);
                if (Failure is { } f)
                {
                    throw new SampleFetchException(f);
                }

                backend = Backend;
            }
            else
            {
                // A direct read of a pod.
                backend = _published.Keys.FirstOrDefault(b => EndpointOf(b).Equals(endpoint));
                if (backend is null || Dead.Contains(backend))
                {
                    throw new SampleFetchException("ConnectionRefused: Connection refused");
                }
            }

            var list = backend is not null && _published.TryGetValue(backend, out var l) ? l : [];
            // As the collector: after the last occurrence of `after` when it is there, else everything after it on the ring.
            var index = after is { } a ? list.LastIndexOf(a) : -1;
            var selected = after is null ? list
                : index >= 0 ? list.Skip(index + 1).ToList()
                : list.Where(s => ((s - after.Value) & 0xFFFF) is > 0 and < 0x8000).ToList();
            return Task.FromResult(new SampleBatch("active", selected.Select((s, i) => new FetchedSample(i + 1, s, 1)).ToList()));
        }
    }
}
