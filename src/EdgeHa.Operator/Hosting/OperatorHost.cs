using EdgeHa.Api;
using EdgeHa.Controller.Events;
using EdgeHa.Controller.Informers;
using EdgeHa.Controller.LeaderElection;
using EdgeHa.Controller.Metrics;
using EdgeHa.Controller.Reconcile;
using EdgeHa.Hosting;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Probes;
using EdgeHa.Operator.Reconciliation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;

namespace EdgeHa.Operator.Hosting;

/// <summary>
/// The running operator: informers, the RedundantPair controller (while leading, when leader election is on), the
/// probe scheduler, and Kestrel serving /healthz, /readyz and /metrics. Start it in-process with
/// <see cref="StartAsync"/> (tests run two against one API server) or from <c>Program</c>.
/// </summary>
public sealed partial class OperatorHost : IAsyncDisposable
{
    private readonly OperatorOptions _options;
    private readonly KubernetesClient _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly EventRecorder _events;
    private readonly EndToEndChecker _endToEnd;
    private readonly ProbeScheduler _probes;
    private readonly NetworkProbe _networkProbe = new();
    private readonly ObservedClock _clock;
    private readonly OperatorMetrics _metrics;
    private readonly MeterProvider _meterProvider;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _web;
    private volatile OperatorCaches? _caches;
    private Task _run = Task.CompletedTask;
    private volatile ReconcileController? _controller;
    private long _leaderSinceTicks;
    private int _disposed;

    private OperatorHost(OperatorOptions options, k8s.KubernetesClientConfiguration config, ILoggerFactory loggerFactory)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = loggerFactory.CreateLogger<OperatorHost>();
        _client = new KubernetesClient(config, loggerFactory.CreateLogger<KubernetesClient>(), _time, options: options.ClientOptions);
        _loggerFactory = loggerFactory;
        _clock = new ObservedClock(_time);
        _metrics = new OperatorMetrics();
        _metrics.ObservePairs(() => _caches?.Pairs.Store.List() ?? []);
        // Built here, not with the web app: the runtime's series created at zero before the web app starts must be seen.
        _meterProvider = PrometheusMetrics.CreateProvider(
            [ControllerMetrics.Default.Meter, KubeClientMetrics.Meter, _metrics.Meter],
            instrument => ReferenceEquals(instrument.Meter, _metrics.Meter) ? OperatorMetrics.PairSeriesLimit : null);
        _probes = new ProbeScheduler(_networkProbe, _time, _metrics, key => _controller?.Enqueue(key), loggerFactory.CreateLogger<ProbeScheduler>());
        _endToEnd = new EndToEndChecker(_time, _metrics, key => _controller?.Enqueue(key));
        _events = new EventRecorder(new KubeEventSink(_client), new EventRecorderOptions
        {
            ReportingController = "edgeha.io/operator",
            ReportingInstance = options.Identity,
            TimeProvider = _time,
            Logger = loggerFactory.CreateLogger<EventRecorder>(),
        });
    }

    /// <summary>The URLs /healthz and /readyz answer on (empty when disabled).</summary>
    public IReadOnlyList<Uri> HealthUrls { get; private set; } = [];

    /// <summary>The URLs /metrics answers on (empty when disabled).</summary>
    public IReadOnlyList<Uri> MetricsUrls { get; private set; } = [];

    /// <summary>True while this instance reconciles (always, once started, without leader election).</summary>
    public bool IsLeader => _controller is not null;

    /// <summary>This instance's identity.</summary>
    public string Identity => _options.Identity;

    /// <summary>The informer caches of the current term of leadership (null while not leading).</summary>
    public OperatorCaches? Caches => _caches;

    /// <summary>Completes when the operator stopped (after <see cref="StopAsync"/> or a fatal error).</summary>
    public Task Completion => _run;

    /// <summary>Builds the client from the options (kubeconfig, or the standard order), starts the endpoints and the operator.</summary>
    public static async Task<OperatorHost> StartAsync(OperatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        var config = options.ClientConfiguration
            ?? (options.Kubeconfig is { Length: > 0 } path ? KubeConfigLoader.FromKubeConfigFiles([path]) : KubeConfigLoader.Load());
        var host = new OperatorHost(options, config, loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await host.StartWebAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        host.Start();
        return host;
    }

    private void WireHandlers(OperatorCaches caches, RedundantPairReconciler reconciler)
    {
        void Enqueue(string key) => _controller?.Enqueue(key);
        void EnqueueLabelled(KubernetesObject o)
        {
            foreach (var key in OperatorCaches.PairOf(o))
            {
                Enqueue(key);
            }
        }

        void EnqueueForNode(string node)
        {
            foreach (var key in caches.PairsOnNode(node))
            {
                Enqueue(key);
            }
        }

        caches.Pairs.AddEventHandler(new ResourceEventHandler<RedundantPair>(
            p => Enqueue(ObjectKey.Of(p)), (_, p) => Enqueue(ObjectKey.Of(p)), p => Enqueue(ObjectKey.Of(p))));
        // Only updates: the transitions a fresh list shows (a new term of leadership) were recorded by whoever made them.
        caches.Pairs.AddEventHandler(new ResourceEventHandler<RedundantPair>(onUpdate: _metrics.ObserveTransition));
        caches.Deployments.AddEventHandler(new ResourceEventHandler<Deployment>(EnqueueLabelled, (_, d) => EnqueueLabelled(d), EnqueueLabelled));
        caches.Services.AddEventHandler(new ResourceEventHandler<Service>(EnqueueLabelled, (_, s) => EnqueueLabelled(s), EnqueueLabelled));
        // The collectors' access objects: any change (a hand edit to repair, a deletion) queues their pair.
        caches.ServiceAccounts.AddEventHandler(new ResourceEventHandler<ServiceAccount>(EnqueueLabelled, (_, a) => EnqueueLabelled(a), EnqueueLabelled));
        caches.Roles.AddEventHandler(new ResourceEventHandler<Role>(EnqueueLabelled, (_, r) => EnqueueLabelled(r), EnqueueLabelled));
        caches.RoleBindings.AddEventHandler(new ResourceEventHandler<RoleBinding>(EnqueueLabelled, (_, b) => EnqueueLabelled(b), EnqueueLabelled));
        caches.Pods.AddEventHandler(new ResourceEventHandler<Pod>(
            EnqueueLabelled,
            (_, p) => EnqueueLabelled(p),
            p =>
            {
                // Per-object memory lives as long as its object.
                _clock.Forget("pod-ready/" + p.Metadata.Uid);
                EnqueueLabelled(p);
            }));

        // Pair Leases: the observation clock starts when the informer delivers the change, not when a worker gets to it.
        // A plain renewal only moves that clock (expiry is the engine's wake-up); the pair is queued when the holder,
        // its confirmation (acquireTime), the epoch, a handover request or the holder's collector report changes.
        void OnPairLease(Lease? old, Lease lease)
        {
            foreach (var key in OperatorCaches.PairOf(lease))
            {
                _clock.Note("lease/" + key, PairLeaseGrantor.Stamp(lease));
                if (old is null || ReferenceEquals(old, lease) || LeaseStateChanged(old, lease))
                {
                    Enqueue(key);
                }
            }
        }

        caches.Leases.AddEventHandler(new ResourceEventHandler<Lease>(l => OnPairLease(null, l), OnPairLease, EnqueueLabelled));
        caches.Nodes.AddEventHandler(new ResourceEventHandler<Node>(
            n => EnqueueForNode(n.Metadata.Name!), (old, n) =>
            {
                // Heartbeat-only updates change nothing the engine looks at.
                if (old.IsReady != n.IsReady || old.Spec?.Unschedulable != n.Spec?.Unschedulable || ReferenceEquals(old, n))
                {
                    EnqueueForNode(n.Metadata.Name!);
                }
            },
            n =>
            {
                _clock.Forget("node-ready/" + n.Metadata.Name);
                EnqueueForNode(n.Metadata.Name!);
            }));
        caches.NodeLeases.AddEventHandler(new ResourceEventHandler<Lease>(
            l => EnqueueForNode(l.Metadata.Name!),
            (_, l) =>
            {
                // Renewals are observed (by our clock) but only matter to the engine when they stop; its wake-up covers that.
                _clock.Note("node-lease/" + l.Metadata.Name, l.Spec?.RenewTime?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            },
            l =>
            {
                _clock.Forget("node-lease/" + l.Metadata.Name);
                EnqueueForNode(l.Metadata.Name!);
            }));
    }

    private static bool LeaseStateChanged(Lease old, Lease lease)
    {
        static string? Annotation(Lease l, string key) => l.Metadata.Annotations?.TryGetValue(key, out var v) == true ? v : null;
        return old.Spec?.HolderIdentity != lease.Spec?.HolderIdentity
            || old.Spec?.AcquireTime != lease.Spec?.AcquireTime
            || old.Spec?.LeaseTransitions != lease.Spec?.LeaseTransitions
            || Annotation(old, Fencing.FencingAnnotations.Epoch) != Annotation(lease, Fencing.FencingAnnotations.Epoch)
            || Annotation(old, Fencing.FencingAnnotations.HandoverRequested) != Annotation(lease, Fencing.FencingAnnotations.HandoverRequested)
            || Annotation(old, Fencing.FencingAnnotations.CollectorRestarts) != Annotation(lease, Fencing.FencingAnnotations.CollectorRestarts)
            || Annotation(old, Fencing.FencingAnnotations.CollectorBackOff) != Annotation(lease, Fencing.FencingAnnotations.CollectorBackOff)
            || Annotation(old, Fencing.FencingAnnotations.PromotionGap) != Annotation(lease, Fencing.FencingAnnotations.PromotionGap);
    }

    private async Task StartWebAsync(CancellationToken cancellationToken)
    {
        BindAddress.TryParse(_options.HealthProbeBindAddress, out var health);
        BindAddress.TryParse(_options.MetricsBindAddress, out var metrics);
        if (health is null && metrics is null)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(OperatorHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            if (health is not null)
            {
                k.Listen(health);
            }

            if (metrics is not null && !metrics.Equals(health))
            {
                k.Listen(metrics);
            }
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        // A replica waiting for leadership is ready; a leader is ready once its caches have synced.
        app.MapGet("/readyz", () => _caches is not { HasSynced: false } ? Results.Text("ok\n") : Results.Text("informers not synced\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapPrometheusMetrics(_meterProvider);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _web = app;

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        Uri ToUri(string address) => new(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        var uris = addresses.Select(ToUri).ToList();
        // Bound in listen order: health first (when enabled), then metrics; both serve every path.
        HealthUrls = health is null ? [] : [uris[0]];
        MetricsUrls = metrics is null ? [] : [uris[^1]];
    }

    private void Start()
    {
        var token = _stop.Token;
        _run = Task.Run(() => RunAsync(token), CancellationToken.None);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_options.LeaderElect)
            {
                await LeadAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var ns = _options.LeaderElectionNamespace
                ?? (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs : null)
                ?? (string.IsNullOrEmpty(_options.Namespace) ? _client.DefaultNamespace : _options.Namespace);
            var electionOptions = new LeaderElectionOptions
            {
                Name = _options.LeaderElectionId,
                Identity = _options.Identity,
                LeaseDuration = _options.LeaseDuration,
                RenewDeadline = _options.RenewDeadline,
                RetryPeriod = _options.RetryPeriod,
                ReleaseOnCancel = true,
                TimeProvider = _time,
                Logger = _logger,
            };
            while (!cancellationToken.IsCancellationRequested)
            {
                var elector = new LeaderElector(new KubeLeaseLock(_client, ns, _options.LeaderElectionId), electionOptions, new LeaderCallbacks
                {
                    OnStartedLeading = LeadAsync,
                    OnNewLeader = leader => Log.NewLeader(_logger, _options.Identity, leader),
                });
                await elector.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            Log.Fatal(_logger, e);
            throw;
        }
    }

    /// <summary>
    /// Runs the informers and the controller for one term of leadership (or for good without leader election). The
    /// caches start with the term: a standby replica keeps no watches open, and a new leader starts from a fresh list.
    /// </summary>
    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _leaderSinceTicks, _time.GetUtcNow().UtcTicks);
        var caches = new OperatorCaches(_client, _options.Namespace, _time, _loggerFactory);
        using var renewals = new RenewalWatch(_clock, _time, key => _controller?.Enqueue(key));
        var reconciler = new RedundantPairReconciler(_client, caches, _probes, _clock, _events, _metrics, () => new DateTimeOffset(Interlocked.Read(ref _leaderSinceTicks), TimeSpan.Zero),
            new ReconcilerOptions { CollectorHttpPort = _options.CollectorHttpPort }, _time, _loggerFactory.CreateLogger<RedundantPairReconciler>(), _endToEnd, renewals);
        WireHandlers(caches, reconciler);
        using var informersStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = Task.Run(() => caches.RunAsync(informersStop.Token), CancellationToken.None);
        _caches = caches;
        try
        {
            await LeadWithCachesAsync(caches, reconciler, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await informersStop.CancelAsync().ConfigureAwait(false);
            await informers.ConfigureAwait(false);
            _caches = null;
        }
    }

    private async Task LeadWithCachesAsync(OperatorCaches caches, RedundantPairReconciler reconciler, CancellationToken cancellationToken)
    {
        if (!await caches.WaitForSyncAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var controller = new ReconcileController("redundantpair", reconciler, new ControllerOptions
        {
            MaxConcurrentReconciles = _options.MaxConcurrentReconciles,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            TimeProvider = _time,
            Logger = _logger,
        });
        _controller = controller;
        Log.Leading(_logger, _options.Identity, caches.Pairs.Store.Count);
        foreach (var key in caches.Pairs.Store.ListKeys())
        {
            controller.Enqueue(key);
        }

        try
        {
            await controller.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _controller = null;
            _probes.Clear();
            _endToEnd.Clear();
            Log.StoppedLeading(_logger, _options.Identity);
        }
    }

    /// <summary>Stops reconciling (releasing leadership), the informers and the endpoints.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Logged where it happened.
        }

        _probes.Clear();
        if (_web is not null)
        {
            await _web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        if (_web is not null)
        {
            await _web.DisposeAsync().ConfigureAwait(false);
        }

        await _probes.DisposeAsync().ConfigureAwait(false);
        _networkProbe.Dispose();
        _endToEnd.Dispose();
        _meterProvider.Dispose();
        _metrics.Dispose();
        _client.Dispose();
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: leading; reconciling {Count} pairs")]
        public static partial void Leading(ILogger logger, string identity, int count);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: stopped leading")]
        public static partial void StoppedLeading(ILogger logger, string identity);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: the leader is {Leader}")]
        public static partial void NewLeader(ILogger logger, string identity, string leader);

        [LoggerMessage(Level = LogLevel.Critical, Message = "The operator stopped on an unexpected error")]
        public static partial void Fatal(ILogger logger, Exception exception);
    }
}
