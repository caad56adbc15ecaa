using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeHa.Kube.Tests.Support;

/// <summary>A throw-away CA with a server certificate for 127.0.0.1/localhost and a client certificate, generated per test run.</summary>
public sealed class TestCertificates
{
    private static readonly Lazy<TestCertificates> Shared = new(() => new TestCertificates());

    private TestCertificates()
    {
        (Ca, CaKey) = CreateCa("CN=edgeha-test-ca");
        (OtherCa, _) = CreateCa("CN=other-ca");
        Server = Issue("CN=127.0.0.1", server: true, out _);
        Client = Issue("CN=edgeha-client,O=system:masters", server: false, out var clientKey);
        ClientCertificatePem = Client.ExportCertificatePem();
        ClientKeyPem = clientKey.ExportPkcs8PrivateKeyPem();
        CaPem = Ca.ExportCertificatePem();
        OtherCaPem = OtherCa.ExportCertificatePem();
    }

    public static TestCertificates Instance => Shared.Value;

    public X509Certificate2 Ca { get; }

    private ECDsa CaKey { get; }

    public X509Certificate2 OtherCa { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string CaPem { get; }

    public string OtherCaPem { get; }

    public string ClientCertificatePem { get; }

    public string ClientKeyPem { get; }

    private static (X509Certificate2, ECDsa) CreateCa(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (cert, key);
    }

    private X509Certificate2 Issue(string subject, bool server, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // PKCS#12 round trip: Kestrel and SslStream want a persisted-style key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
