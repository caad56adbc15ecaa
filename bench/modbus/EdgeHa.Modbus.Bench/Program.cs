using System.Globalization;
using EdgeHa.Modbus.Bench;

// Modes:
//   serve PORT                       run our server (DataStoreRequestHandler, 10000 of each table) until SIGTERM
//   rtt HOST PORT SECONDS            our client: sequential reads of 10 holding registers; prints the same line as lmb_client
//   run --bin DIR --python PY --seconds S   the whole comparison (see run.sh)
static int Usage()
{
    Console.Error.WriteLine("usage: EdgeHa.Modbus.Bench serve PORT | rtt HOST PORT SECONDS | run --bin DIR [--python PATH] [--seconds S] [--script-dir DIR]");
    return 2;
}

static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

return args switch
{
    ["serve", var port] => await Modes.ServeAsync(Int(port)),
    ["rtt", var host, var port, var seconds] => await Modes.RoundTripAsync(host, Int(port), double.Parse(seconds, CultureInfo.InvariantCulture)),
    ["run", .. var rest] => await Runner.RunAsync(rest),
    _ => Usage(),
};
