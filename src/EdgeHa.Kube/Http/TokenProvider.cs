using EdgeHa.Kube.Config;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Kube;

/// <summary>
/// The bearer token for each request: static, or read from a file that rotates (service account tokens are
/// replaced about hourly). The file is re-read after <see cref="KubernetesClientConfiguration.TokenRefreshInterval"/>
/// and on demand after a 401; a failed read keeps the last good token.
/// </summary>
internal sealed class TokenProvider(KubernetesClientConfiguration config, TimeProvider time, ILogger logger)
{
    private readonly object _gate = new();
    private string? _token;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public bool FromFile => config.TokenFile is not null;

    public string? Current()
    {
        if (config.TokenFile is null)
        {
            return config.AccessToken;
        }

        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_token is null || now - _readAt >= config.TokenRefreshInterval)
            {
                Read(now);
            }

            return _token ?? config.AccessToken;
        }
    }

    /// <summary>Forces the next <see cref="Current"/> to read the file.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _readAt = DateTimeOffset.MinValue;
        }
    }

    private void Read(DateTimeOffset now)
    {
        try
        {
            var text = config.FileSystem.ReadAllText(config.TokenFile!).Trim();
            if (text.Length > 0)
            {
                _token = text;
            }

            _readAt = now;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.TokenReadFailed(logger, config.TokenFile!, ex.Message);
            if (_token is null)
            {
                throw new KubeConfigException($"Token file {config.TokenFile} cannot be read: {ex.Message}", ex);
            }
        }
    }
}
