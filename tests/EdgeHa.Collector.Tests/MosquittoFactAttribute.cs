namespace EdgeHa.Collector.Tests;

/// <summary>A fact that needs Debian's mosquitto broker and clients; skipped with a clear message only where they are not installed.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public const string Broker = "/usr/sbin/mosquitto";
    public const string Subscriber = "/usr/bin/mosquitto_sub";
    public const string Publisher = "/usr/bin/mosquitto_pub";
    public const string Passwords = "/usr/bin/mosquitto_passwd";

    public MosquittoFactAttribute()
    {
        if (!File.Exists(Broker) || !File.Exists(Subscriber) || !File.Exists(Publisher) || !File.Exists(Passwords))
        {
            Skip = "needs mosquitto and mosquitto_sub/_pub/_passwd (apt-get install -y mosquitto mosquitto-clients)";
        }
    }
}
