using System.Net;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>Settings of a <see cref="SandboxApiServer"/>.</summary>
public sealed class SandboxApiServerOptions
{
    /// <summary>TCP port on <see cref="BindAddress"/>; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address to listen on (default 127.0.0.1). Another address (one of a bridge in a network namespace) lets
    /// nodes in other namespaces reach the server; it is also in the serving certificate and in the kubeconfig.
    /// </summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Serve HTTPS with a CA generated at start (default); false serves plain HTTP.</summary>
    public bool UseHttps { get; set; } = true;

    /// <summary>The bearer token clients must send; null generates a random one.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Authorize every request with RBAC (Roles, ClusterRoles and their bindings stored in the sandbox), as a real
    /// cluster does; off, every authenticated caller may do anything (the sandbox's default, for tests of other things).
    /// The sandbox token and client certificates are the admin (system:masters) either way.
    /// </summary>
    public bool AuthorizeWithRbac { get; set; }

    /// <summary>How many changes the watch history keeps; older resume points get 410 Gone.</summary>
    public int WatchHistoryCapacity { get; set; } = 1000;

    /// <summary>How often a watch that asked for bookmarks gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a watch stays open when the client gives no timeoutSeconds.</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Seed of the fault dice and of generated names.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Clock for timestamps, latency and watch timers.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Faults to switch on from the start.</summary>
    public Action<SandboxFaults>? ConfigureFaults { get; set; }
}
