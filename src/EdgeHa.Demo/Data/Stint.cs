using System.Net;

namespace EdgeHa.Demo.Data;

/// <summary>A run of reads answered by one backend (one collector in turn).</summary>
/// <param name="Id">1, 2, 3, ... in order.</param>
/// <param name="Backend">The backend, as the route described it.</param>
/// <param name="StartedAt">When it first answered.</param>
/// <param name="FirstSampleAt">When its first sample was read, if any yet.</param>
/// <param name="BackendEndpoint">The backend pod's own endpoint, when known.</param>
public sealed record Stint(int Id, string? Backend, DateTimeOffset StartedAt, DateTimeOffset? FirstSampleAt, IPEndPoint? BackendEndpoint = null);
