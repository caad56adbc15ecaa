using System.Net;

namespace EdgeHa.Demo.Data;

/// <summary>Reads published samples from a collector endpoint (through the VIP).</summary>
public interface ISampleFetcher
{
    /// <summary>
    /// <c>GET /samples?after=SEQ</c> (no <c>after</c> when null: the oldest published). Throws
    /// <see cref="SampleFetchException"/> (or <see cref="OperationCanceledException"/>) when the endpoint does not answer.
    /// </summary>
    Task<SampleBatch> FetchAsync(IPEndPoint endpoint, int? after, CancellationToken cancellationToken);
}

/// <summary>The endpoint did not answer with samples; the message says why.</summary>
public sealed class SampleFetchException(string message, Exception? inner = null) : Exception(message, inner);
