using EdgeHa.Kube.Config;
using EdgeHa.Kube.Tests.Support;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Kube.Tests;

public sealed class TokenProviderTests
{
    private readonly ManualTimeProvider _time = new();

    private TokenProvider Provider(MemoryFileSystem fs, string? staticToken = null) => new(
        new KubernetesClientConfiguration { Server = new Uri("https://x"), TokenFile = "/t", AccessToken = staticToken, FileSystem = fs, TokenRefreshInterval = TimeSpan.FromMinutes(1) },
        _time,
        NullLogger.Instance);

    [Fact]
    public void Current_StaticToken_IsReturnedWithoutFileAccess()
    {
        var provider = new TokenProvider(new KubernetesClientConfiguration { Server = new Uri("https://x"), AccessToken = "abc" }, _time, NullLogger.Instance);

        Assert.Equal("abc", provider.Current());
        Assert.False(provider.FromFile);
    }

    [Fact]
    public void Current_TokenFile_IsTrimmedAndCachedUntilTheRefreshInterval()
    {
        var fs = new MemoryFileSystem().With("/t", " one\n");
        var provider = Provider(fs);

        Assert.Equal("one", provider.Current());
        fs.With("/t", "two");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("one", provider.Current());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("two", provider.Current());
        Assert.Equal(2, fs.Reads);
    }

    [Fact]
    public void Invalidate_ForcesTheNextReadAtOnce()
    {
        var fs = new MemoryFileSystem().With("/t", "one");
        var provider = Provider(fs);
        provider.Current();
        fs.With("/t", "two");

        provider.Invalidate();

        Assert.Equal("two", provider.Current());
    }

    [Fact]
    public void Current_FileVanishesAfterAGoodRead_KeepsTheLastToken()
    {
        var fs = new MemoryFileSystem().With("/t", "one");
        var provider = Provider(fs);
        provider.Current();
        fs.Files.Clear();
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("one", provider.Current());
    }

    [Fact]
    public void Current_FileEmptyAfterAGoodRead_KeepsTheLastToken()
    {
        var fs = new MemoryFileSystem().With("/t", "one");
        var provider = Provider(fs);
        provider.Current();
        fs.With("/t", "  ");
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("one", provider.Current());
    }

    [Fact]
    public void Current_FileMissingFromTheStart_ThrowsConfigError()
    {
        var provider = Provider(new MemoryFileSystem());

        Assert.Throws<KubeConfigException>(() => provider.Current());
    }
}
