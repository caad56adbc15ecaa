namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>Bounded waiting: every wait in this suite ends, with a message saying what never happened.</summary>
public static class Eventually
{
    /// <summary>The default bound of a wait.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> every 20 ms until true; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls an asynchronous condition every 20 ms until true; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A token cancelled after <paramref name="timeout"/> (default 20 s): the hang guard of one test.</summary>
    public static CancellationTokenSource Guard(TimeSpan? timeout = null) => new(timeout ?? TimeSpan.FromSeconds(20));
}
