using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeHa.Collector.Tests;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1 signed by it, as PEM files.</summary>
internal static class TestCertificates
{
    /// <summary>Writes ca.pem, server.pem and server.key into <paramref name="folder"/> and returns their paths.</summary>
    public static (string Ca, string Certificate, string Key) CreateServer(string folder)
    {
        using var caKey = RSA.Create(2048);
        using var ca = CreateCa(caKey, "CN=edgeha test CA");

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, ca.NotBefore.ToUniversalTime(), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        var paths = (Path.Combine(folder, "ca.pem"), Path.Combine(folder, "server.pem"), Path.Combine(folder, "server.key"));
        File.WriteAllText(paths.Item1, ca.ExportCertificatePem());
        File.WriteAllText(paths.Item2, server.ExportCertificatePem());
        File.WriteAllText(paths.Item3, serverKey.ExportPkcs8PrivateKeyPem());
        return paths;
    }

    /// <summary>Writes the PEM of an unrelated CA (one the broker's certificate does not chain to).</summary>
    public static string CreateUnrelatedCa(string folder)
    {
        using var key = RSA.Create(2048);
        using var ca = CreateCa(key, "CN=some other CA");
        var path = Path.Combine(folder, "other-ca.pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    private static X509Certificate2 CreateCa(RSA key, string name)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2)); // outlives what it signs
    }
}
