using System.CommandLine;
using System.Net;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Commands;

/// <summary><c>edgeha-sandbox apiserver</c>: serves the sandbox API until Ctrl+C.</summary>
internal static class ApiServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on the bind address (0 = any free port)", DefaultValueFactory = _ => 0 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (for example a bridge address that nodes in network namespaces reach)", DefaultValueFactory = _ => "127.0.0.1" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Write a kubeconfig for this server to FILE" };
        var insecure = new Option<bool>("--http") { Description = "Serve plain HTTP instead of HTTPS with a generated CA" };
        var clientCert = new Option<bool>("--client-certificate") { Description = "Put a client certificate issued by the CA in the kubeconfig instead of the token" };
        var token = new Option<string?>("--token") { Description = "Bearer token to require (default: random)" };
        var history = new Option<int>("--watch-history") { Description = "Watch history length; older resume points get 410 Gone", DefaultValueFactory = _ => 1000 };
        var latency = new Option<int>("--fault-latency-ms") { Description = "Latency added to every resource request" };
        var errorRate = new Option<double>("--fault-error-rate") { Description = "Fraction of resource requests answered with --fault-error-code" };
        var errorCode = new Option<int>("--fault-error-code") { Description = "500, 503 or 429", DefaultValueFactory = _ => 500 };
        var conflictRate = new Option<double>("--fault-conflict-rate") { Description = "Fraction of updates and patches answered with 409 Conflict" };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault dice", DefaultValueFactory = _ => 1 };
        var verbose = new Option<bool>("--verbose") { Description = "Log every request" };
        var rbac = new Option<bool>("--rbac") { Description = "Authorize requests with RBAC (Roles, ClusterRoles, bindings); the kubeconfig's token stays the admin" };
        var command = new Command("apiserver", "Serve an in-memory Kubernetes API (a local stand-in for testing, not a cluster)")
        {
            port, bind, kubeconfig, insecure, clientCert, token, history, latency, errorRate, errorCode, conflictRate, seed, verbose, rbac,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(errorCode) is not (500 or 503 or 429))
            {
                await Console.Error.WriteLineAsync("--fault-error-code must be 500, 503 or 429");
                return 2;
            }

            if (!IPAddress.TryParse(result.GetValue(bind), out var bindAddress))
            {
                await Console.Error.WriteLineAsync("--bind must be an IP address");
                return 2;
            }

            var options = new SandboxApiServerOptions
            {
                Port = result.GetValue(port),
                BindAddress = bindAddress,
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
}
