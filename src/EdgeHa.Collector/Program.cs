using EdgeHa.Collector;

// Exit codes: 0 after a clean shutdown, 2 for bad arguments or a bad config file, 1 for any other start-up failure.
if (!CollectorCommandLine.TryParse(args, out var options, out var error))
{
    if (error.Length == 0)
    {
        Console.Out.Write(CollectorCommandLine.Usage);
        return 0;
    }

    Console.Error.WriteLine($"error: {error}");
    Console.Error.Write(CollectorCommandLine.Usage);
    return 2;
}

try
{
    await using var host = await CollectorHost.StartAsync(options);
    await host.WaitForShutdownAsync();
    return 0;
}
catch (IOException e)
{
    Console.Error.WriteLine($"error: cannot listen: {e.Message}");
    return 1;
}
