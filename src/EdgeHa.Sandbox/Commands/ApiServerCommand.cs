using System.CommandLine;
using System.Globalization;
using System.Net;
using EdgeHa.Hosting;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Commands;

/// <summary><c>edgeha-sandbox apiserver</c>: serves the sandbox API until Ctrl+C.</summary>
internal static class ApiServerCommand
{
    public static Command Create()
    {
        var port = Flag.Int("--port", "Port on the bind address (0 = any free port)", 0, 65535);
        var bind = Flag.Address("--bind", "Address to listen on (for example a bridge address that nodes in network namespaces reach)");
        bind.DefaultValueFactory = _ => IPAddress.Loopback;
        var kubeconfig = Flag.Text("--kubeconfig", "Write a kubeconfig for this server to FILE").Shown("FILE");
        var insecure = Flag.Switch("--http", "Serve plain HTTP instead of HTTPS with a generated CA");
        var clientCert = Flag.Switch("--client-certificate", "Put a client certificate issued by the CA in the kubeconfig instead of the token");
        var token = Flag.Text("--token", "Bearer token to require (default: random)");
        var history = Flag.Int("--watch-history", "Watch history length; older resume points get 410 Gone", 1, int.MaxValue);
        history.DefaultValueFactory = _ => 1000;
        var latency = Flag.Int("--fault-latency-ms", "Latency added to every resource request", 0, int.MaxValue);
        var errorRate = Flag.Of<double>("--fault-error-rate", "Fraction of resource requests answered with --fault-error-code", TryParseFraction, "a fraction in 0..1");
        var errorCode = Flag.Of("--fault-error-code", "500, 503 or 429", static (string text, out int code) => int.TryParse(text, out code) && code is 500 or 503 or 429, "500, 503 or 429");
        errorCode.DefaultValueFactory = _ => 500;
        var conflictRate = Flag.Of<double>("--fault-conflict-rate", "Fraction of updates and patches answered with 409 Conflict", TryParseFraction, "a fraction in 0..1");
        var seed = Flag.Int("--seed", "Seed of the fault dice", int.MinValue, int.MaxValue);
        seed.DefaultValueFactory = _ => 1;
        var verbose = Flag.Switch("--verbose", "Log every request");
        var rbac = Flag.Switch("--rbac", "Authorize requests with RBAC (Roles, ClusterRoles, bindings); the kubeconfig's token stays the admin");
        var command = new Command("apiserver", "Serve an in-memory Kubernetes API (a local stand-in for testing, not a cluster)")
        {
            port, bind, kubeconfig, insecure, clientCert, token, history, latency, errorRate, errorCode, conflictRate, seed, verbose, rbac,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new SandboxApiServerOptions
            {
                Port = result.GetValue(port),
                BindAddress = result.GetValue(bind)!,
                UseHttps = !result.GetValue(insecure),
                Token = result.GetValue(token),
                WatchHistoryCapacity = result.GetValue(history),
                Seed = result.GetValue(seed),
                AuthorizeWithRbac = result.GetValue(rbac),
                ConfigureFaults = f =>
                {
                    f.Latency = TimeSpan.FromMilliseconds(result.GetValue(latency));
                    f.ErrorRate = result.GetValue(errorRate);
                    f.ErrorStatusCode = result.GetValue(errorCode);
                    f.ConflictRate = result.GetValue(conflictRate);
                },
            };
            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
            await using var server = await SandboxApiServer.StartAsync(options, loggerFactory, cancellationToken);
            if (result.GetValue(clientCert) && !options.UseHttps)
            {
                await Console.Error.WriteLineAsync("--client-certificate needs HTTPS (drop --http)");
                return 2;
            }

            if (result.GetValue(kubeconfig) is { } path)
            {
                server.WriteKubeconfig(path, clientCertificate: result.GetValue(clientCert));
                Console.WriteLine($"kubeconfig: {Path.GetFullPath(path)}");
            }

            Console.WriteLine($"Sandbox API server listening on {server.Url.GetLeftPart(UriPartial.Authority)}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: shut down cleanly.
            }

            return 0;
        });
        return command;
    }

    private static bool TryParseFraction(string text, out double fraction) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out fraction) && fraction <= 1;
}
