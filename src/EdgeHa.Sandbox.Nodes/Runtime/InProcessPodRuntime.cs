using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>Starts an in-process container; the returned object is disposed when the container is stopped or killed.</summary>
public delegate Task<IAsyncDisposable> InProcessContainerStart(InProcessContainer container, CancellationToken cancellationToken);

/// <summary>What an in-process container gets: its pod, its launch spec and a way to exit by itself.</summary>
public sealed class InProcessContainer
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal InProcessContainer(PodLaunch pod, ContainerLaunch container)
    {
        Pod = pod;
        Container = container;
    }

    public PodLaunch Pod { get; }

    public ContainerLaunch Container { get; }

    /// <summary>The value of an environment variable as the container sees it.</summary>
    public string? Env(string name) => Container.Environment.LastOrDefault(e => e.Key == name).Value;

    /// <summary>Ends this run as a process exit would (the runtime restarts it with backoff).</summary>
    public void Exit(int exitCode) => _exited.TrySetResult(exitCode);

    internal Task<int> Exited => _exited.Task;
}

/// <summary>
/// A pod runtime whose containers are delegates in this process, for fast tests: <c>resolve(image)</c> returns
/// the start function of an image, or null for an image it does not know (the container then waits with ErrImagePull).
/// </summary>
public sealed class InProcessPodRuntime : IPodRuntime
{
    private readonly Func<string, InProcessContainerStart?> _resolve;
    private readonly RestartBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public InProcessPodRuntime(Func<string, InProcessContainerStart?> resolve, RestartBackoff? backoff = null, TimeProvider? timeProvider = null, ILogger<InProcessPodRuntime>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        _resolve = resolve;
        _backoff = backoff ?? RestartBackoff.Default;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A runtime from a table of image repository -> start function (matched as <see cref="ImageMap"/> does).</summary>
    public InProcessPodRuntime(IReadOnlyDictionary<string, InProcessContainerStart> images, RestartBackoff? backoff = null, TimeProvider? timeProvider = null, ILogger<InProcessPodRuntime>? logger = null)
        : this(Lookup(images), backoff, timeProvider, logger)
    {
    }

    public IRunningPod Start(PodLaunch launch, Action? changed = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return new SupervisedPod(launch, StartContainerAsync, _backoff, _time, _logger, changed);
    }

    private async Task<IContainerInstance> StartContainerAsync(PodLaunch pod, ContainerLaunch container, CancellationToken cancellationToken)
    {
        var start = _resolve(container.Image) ?? throw ContainerStartException.ImageNotFound(container.Image, "no in-process container is registered for it");
        var context = new InProcessContainer(pod, container);
        var running = await start(context, cancellationToken);
        return new Instance(context, running);
    }

    private static Func<string, InProcessContainerStart?> Lookup(IReadOnlyDictionary<string, InProcessContainerStart> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var byRepository = images.ToDictionary(kv => ImageMap.Repository(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        return image =>
        {
            var repository = ImageMap.Repository(image);
            return byRepository.GetValueOrDefault(repository)
                ?? byRepository.FirstOrDefault(kv => repository.EndsWith("/" + kv.Key, StringComparison.Ordinal)).Value;
        };
    }

    private sealed class Instance(InProcessContainer context, IAsyncDisposable running) : IContainerInstance
    {
        private int _disposed;

        public Task<int> Exited => context.Exited;

        public ValueTask KillAsync() => DisposeOnceAsync();

        public ValueTask StopAsync(TimeSpan grace) => DisposeOnceAsync();

        private async ValueTask DisposeOnceAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await running.DisposeAsync();
                context.Exit(137);
            }
        }
    }
}
