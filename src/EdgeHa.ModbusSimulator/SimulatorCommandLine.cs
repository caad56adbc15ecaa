using System.Globalization;
using System.Net;

namespace EdgeHa.ModbusSimulator;

/// <summary>Parses <c>[--port 5020] [--http-port 8080] [--config map.yaml] [--bind 0.0.0.0]</c>, loading the map.</summary>
public static class SimulatorCommandLine
{
    public const string Usage = """
        usage: EdgeHa.ModbusSimulator [--port 5020] [--http-port 8080] [--config map.yaml|map.json] [--bind 0.0.0.0]
          --port       Modbus TCP port (default 5020; 0 picks a free port)
          --http-port  HTTP port for /healthz, /metrics, /values, /registers (default 8080)
          --config     register map (YAML or JSON); without it: unit 1, all tables 0-9999, sequence counter at input 0
          --bind       address to listen on (default EDGEHA_BIND_ADDRESS, then 0.0.0.0)

        """;

    /// <summary>
    /// False with an empty <paramref name="error"/> for --help; false with a message for bad arguments or a bad map
    /// (the caller exits with code 2).
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="options">The options built.</param>
    /// <param name="error">What is wrong.</param>
    /// <param name="environment">Where EDGEHA_BIND_ADDRESS is read (the sandbox gives each pod its own loopback address); null reads none.</param>
    public static bool TryParse(IReadOnlyList<string> args, out SimulatorOptions options, out string error, Func<string, string?>? environment = null)
    {
        options = new SimulatorOptions();
        error = "";
        if (environment?.Invoke("EDGEHA_BIND_ADDRESS") is { Length: > 0 } bind && System.Net.IPAddress.TryParse(bind, out var bindAddress))
        {
            options.BindAddress = bindAddress;
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return false;
            }

            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (arg is not ("--port" or "--http-port" or "--config" or "--bind"))
            {
                error = $"unknown argument '{args[i]}'";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{arg} needs a value";
                    return false;
                }

                value = args[++i];
            }

            switch (arg)
            {
                case "--port":
                    if (!TryPort(value, out var port))
                    {
                        error = $"--port: '{value}' is not a port (0..65535)";
                        return false;
                    }

                    options.ModbusPort = port;
                    break;
                case "--http-port":
                    if (!TryPort(value, out var httpPort))
                    {
                        error = $"--http-port: '{value}' is not a port (0..65535)";
                        return false;
                    }

                    options.HttpPort = httpPort;
                    break;
                case "--bind":
                    if (!IPAddress.TryParse(value, out var address))
                    {
                        error = $"--bind: '{value}' is not an IP address";
                        return false;
                    }

                    options.BindAddress = address;
                    break;
                default:
                    try
                    {
                        options.Map = MapLoader.LoadFile(value);
                    }
                    catch (MapException e)
                    {
                        error = e.Message;
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
