using System.Net;

namespace EdgeHa.Demo.Data;

/// <summary>Where reads of the VIP go now.</summary>
/// <param name="Endpoint">The local endpoint that answers for the VIP port (the load balancer's listener).</param>
/// <param name="Backend">The pod the load balancer forwards new connections to ("edge-b 127.77.2.2:8080"), when known.</param>
/// <param name="BackendEndpoint">That pod's own endpoint, when known (to read what it published last after the VIP moved away).</param>
public sealed record VipTarget(IPEndPoint Endpoint, string? Backend, IPEndPoint? BackendEndpoint = null);
