using System.Runtime.InteropServices;

namespace EdgeHa.Hosting;

/// <summary>
/// How every program of the project stops. The first SIGTERM, SIGINT or SIGQUIT cancels <see cref="Token"/> and is
/// kept from terminating the process, so the program can stop acting, release what it holds and exit 0 within its
/// grace period (kubelet sends SIGTERM, then SIGKILL after terminationGracePeriodSeconds). A second signal while
/// stopping gets the default action and ends the process at once, as someone pressing Ctrl-C twice expects.
/// </summary>
/// <remarks>
/// .NET 10 raises <see cref="AppDomain.ProcessExit"/> only after the process is already ending, too late to release
/// a Lease, and a <see cref="Console.CancelKeyPress"/> handler sees SIGINT only; this registration sees all three.
/// </remarks>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first shutdown signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal received, for the log line that says why the program stops.</summary>
    public PosixSignal? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) != 1)
        {
            return; // a second signal: leave context.Cancel false so the default action terminates the process
        }

        context.Cancel = true;
        Received = context.Signal;
        // Cancelled on the thread pool: the token's callbacks (a host stopping, a child being signalled) must not run
        // on, and hold up, the runtime's signal-handling thread.
        _ = Task.Run(_stop.Cancel);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
