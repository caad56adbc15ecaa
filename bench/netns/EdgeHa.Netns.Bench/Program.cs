using System.Runtime.InteropServices;
using EdgeHa.Netns.Bench;

// The two halves of the sandbox that bench/netns/run.sh starts in separate network namespaces:
//   control --bind IP --port N --kubeconfig FILE --pair PAIR.json [--timeline FILE]
//       the sandbox API server on IP:N (the control plane's side of the bridge), the RedundantPair CRD and the pair,
//       and a timeline of the pair's status and Lease (one line per change) for the report
//   node --kubeconfig FILE --name NODE --address-prefix A.B.C. --collector-dll DLL --log-dir DIR
//       one simulated node (kubelet, node Lease, readiness probes) whose pods run as processes of this one, so they
//       share its namespace: cutting the namespace's link cuts the kubelet and its collectors alike
// Both run until SIGTERM or SIGINT; exit 2 on bad arguments.
using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
var flags = BenchFlags.Parse(args.Skip(1));
try
{
    return args.FirstOrDefault() switch
    {
        "control" when flags is not null => await ControlPlane.RunAsync(flags, stop.Token),
        "node" when flags is not null => await NodeHost.RunAsync(flags, stop.Token),
        _ => Usage(),
    };
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

static int Usage()
{
    Console.Error.WriteLine("usage: EdgeHa.Netns.Bench control --bind IP --port N --kubeconfig FILE --pair PAIR.json [--timeline FILE]");
    Console.Error.WriteLine("       EdgeHa.Netns.Bench node --kubeconfig FILE --name NODE --address-prefix A.B.C. --collector-dll DLL --log-dir DIR");
    return 2;
}
