using EdgeHa.Hosting;

namespace EdgeHa.ModbusSimulator;

/// <summary>Parses <c>[--port 5020] [--http-port 8080] [--config map.yaml] [--bind 0.0.0.0]</c>, loading the map.</summary>
public static class SimulatorCommandLine
{
    /// <summary>The options, or what is wrong with the arguments or the map (exit code 2), or a request for help.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Where EDGEHA_BIND_ADDRESS is read (the sandbox gives each pod its own loopback address); null reads none.</param>
    public static ParsedCommandLine<SimulatorOptions> Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var port = Flag.Int("--port", "Modbus TCP port (default 5020; 0 picks a free port)", 0, 65535);
        var httpPort = Flag.Int("--http-port", "HTTP port for /healthz, /metrics, /values, /registers (default 8080)", 0, 65535);
        var config = Flag.Text("--config", "register map (YAML or JSON); without it: unit 1, all tables 0-9999, sequence counter at input 0").Shown("map.yaml|map.json");
        var bind = Flag.Address("--bind", "address to listen on (default EDGEHA_BIND_ADDRESS, then 0.0.0.0)");
        var root = ProgramCommandLine.Root("EdgeHa.ModbusSimulator", "A Modbus TCP device simulator for tests and demos", port, httpPort, config, bind);
        return ProgramCommandLine.Parse(root, args, (result, errors) =>
        {
            var options = new SimulatorOptions();
            if (environment?.Invoke("EDGEHA_BIND_ADDRESS") is { Length: > 0 } env && System.Net.IPAddress.TryParse(env, out var envAddress))
            {
                options.BindAddress = envAddress;
            }

            result.Apply(port, v => options.ModbusPort = v);
            result.Apply(httpPort, v => options.HttpPort = v);
            result.Apply(bind, v => options.BindAddress = v);
            result.Apply(config, path =>
            {
                try
                {
                    options.Map = MapLoader.LoadFile(path);
                }
                catch (MapException e)
                {
                    errors.Add(e.Message);
                }
            });
            return options;
        });
    }
}
