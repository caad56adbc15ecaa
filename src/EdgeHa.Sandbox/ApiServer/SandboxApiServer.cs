using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// A local, in-memory Kubernetes API server over real HTTP(S) — a stand-in for trying and testing, not a cluster.
/// Host it in-process: <c>await using var server = await SandboxApiServer.StartAsync(new() { Port = 0 });</c>.
/// </summary>
public sealed class SandboxApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly SandboxCertificates? _certificates;
    private readonly TimeProvider _timeProvider;
    private readonly ServiceAccountTokens _serviceAccountTokens;
    private readonly ApiRequestHandler _handler;

    private SandboxApiServer(WebApplication app, ObjectStore store, SandboxCertificates? certificates, SandboxFaults faults, string token, Uri url, TimeProvider timeProvider, ServiceAccountTokens serviceAccountTokens, ApiRequestHandler handler)
    {
        _handler = handler;
        _serviceAccountTokens = serviceAccountTokens;
        _timeProvider = timeProvider;
        _app = app;
        _store = store;
        _certificates = certificates;
        Faults = faults;
        Token = token;
        Url = url;
    }

    /// <summary>The base URL, e.g. https://127.0.0.1:41234.</summary>
    public Uri Url { get; }

    /// <summary>The bearer token clients must send.</summary>
    public string Token { get; }

    /// <summary>The PEM of the CA that signed the serving certificate (null over plain HTTP).</summary>
    public string? CaCertificatePem => _certificates?.CaPem;

    /// <summary>Fault injection, effective immediately.</summary>
    public SandboxFaults Faults { get; }

    /// <summary>Events queued for open watches so far: with watches confined to one name, one per change, not one per watch.</summary>
    public long WatchDeliveries => _store.WatchDeliveries;

    /// <summary>The newest resourceVersion handed out.</summary>
    public long ResourceVersion => _store.ResourceVersion;

    public static async Task<SandboxApiServer> StartAsync(SandboxApiServerOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxApiServerOptions();
        var token = options.Token ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var certificates = options.UseHttps ? SandboxCertificates.Create(options.TimeProvider.GetUtcNow(), options.BindAddress) : null;
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, options.TimeProvider, options.WatchHistoryCapacity, options.Seed);
        var faults = new SandboxFaults(options.Seed);
        faults.DropWatchesRequested += () => store.DropWatches();
        faults.CompactRequested += store.CompactHistory;
        options.ConfigureFaults?.Invoke(faults);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.BindAddress, options.Port, listen =>
            {
                listen.Protocols = certificates is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                if (certificates is not null)
                {
                    // Client certificates are optional: a certificate signed by the sandbox CA authenticates like the token.
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificates.Serving,
                        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (cert, _, _) => certificates.Validate(cert),
                    });
                }
            });
        });
        var app = builder.Build();
        var logger = (loggerFactory ?? app.Services.GetRequiredService<ILoggerFactory>()).CreateLogger<SandboxApiServer>();
        var serviceAccountTokens = new ServiceAccountTokens();
        var handler = new ApiRequestHandler(registry, store, faults, options, token, serviceAccountTokens, logger);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        Log.Listening(logger, url.ToString());
        return new SandboxApiServer(app, store, certificates, faults, token, url, options.TimeProvider, serviceAccountTokens, handler);
    }

    /// <summary>
    /// Writes a kubeconfig (server, CA data, and the bearer token or, with <paramref name="clientCertificate"/>,
    /// a client certificate and key issued by the sandbox CA) that kubectl and our client use as they are.
    /// </summary>
    public void WriteKubeconfig(string path, string contextNamespace = "default", bool clientCertificate = false)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, KubeconfigYaml(contextNamespace, clientCertificate));
    }

    /// <summary>Issues a client certificate signed by the sandbox CA; the server accepts it instead of the token.</summary>
    public (string CertificatePem, string KeyPem) IssueClientCertificate(string commonName = "edgeha-sandbox-user") =>
        _certificates?.IssueClientCertificate(commonName, _timeProvider.GetUtcNow())
        ?? throw new InvalidOperationException("client certificates need HTTPS (UseHttps = true)");

    /// <summary>The 403 messages of the resource requests RBAC refused so far (with <see cref="SandboxApiServerOptions.AuthorizeWithRbac"/>).</summary>
    public IReadOnlyList<string> Denials => [.. _handler.Denials];

    /// <summary>
    /// A bearer token for a ServiceAccount, as a TokenRequest would mint it (valid while the ServiceAccount exists):
    /// with <see cref="SandboxApiServerOptions.AuthorizeWithRbac"/>, requests with it get exactly that account's RBAC.
    /// </summary>
    public string IssueServiceAccountToken(string @namespace, string name, TimeSpan? lifetime = null) =>
        _serviceAccountTokens.Issue(@namespace, name, _timeProvider.GetUtcNow() + (lifetime ?? TimeSpan.FromHours(1)));

    /// <summary>The kubeconfig text for this server (with <paramref name="token"/>, that token instead of the admin's).</summary>
    public string KubeconfigYaml(string contextNamespace = "default", bool clientCertificate = false, string? token = null)
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\nclusters:\n- name: edgeha-sandbox\n  cluster:\n");
        sb.Append("    server: ").Append(Url.GetLeftPart(UriPartial.Authority)).Append('\n');
        if (CaCertificatePem is { } pem)
        {
            sb.Append("    certificate-authority-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(pem))).Append('\n');
        }

        sb.Append("users:\n- name: edgeha-sandbox\n  user:\n");
        if (clientCertificate)
        {
            var (cert, key) = IssueClientCertificate();
            sb.Append("    client-certificate-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(cert))).Append('\n');
            sb.Append("    client-key-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(key))).Append('\n');
        }
        else
        {
            sb.Append("    token: ").Append(token ?? Token).Append('\n');
        }

        sb.Append("contexts:\n- name: edgeha-sandbox\n  context:\n    cluster: edgeha-sandbox\n    user: edgeha-sandbox\n    namespace: ").Append(contextNamespace).Append('\n');
        sb.Append("current-context: edgeha-sandbox\n");
        return sb.ToString();
    }

    /// <summary>An HttpClient that trusts the sandbox CA and sends the bearer token, with <see cref="Url"/> as base address.</summary>
    public HttpClient CreateHttpClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (_certificates is { } certificates)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
                certificates.Validate(cert as System.Security.Cryptography.X509Certificates.X509Certificate2);
        }

        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Adds or replaces an object as-is, status included and without validation (fixtures).</summary>
    public JsonObject Seed(JsonObject obj) => _store.Seed(obj);

    /// <summary>Adds or replaces objects as-is, in order (namespaces and CRDs before what uses them).</summary>
    public void Seed(IEnumerable<JsonObject> objects)
    {
        foreach (var o in objects)
        {
            _store.Seed(o);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _store.DropWatches();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _certificates?.Dispose();
    }
}
