namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>One sandbox shared by the tests of a class that inject no faults (they use unique names and namespaces).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private TestSandbox? _sandbox;

    public TestSandbox Sandbox => _sandbox ?? throw new InvalidOperationException("The sandbox has not started.");

    public async Task InitializeAsync() => _sandbox = await TestSandbox.StartAsync();

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
