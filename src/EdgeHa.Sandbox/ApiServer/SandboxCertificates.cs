using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A CA made at start and a serving certificate it signs for localhost and 127.0.0.1.</summary>
internal sealed class SandboxCertificates : IDisposable
{
    private readonly X509Certificate2 _caWithKey;
    private readonly Lock _gate = new();

    private SandboxCertificates(X509Certificate2 ca, X509Certificate2 caWithKey, X509Certificate2 serving)
    {
        Ca = ca;
        _caWithKey = caWithKey;
        Serving = serving;
    }

    /// <summary>The CA certificate (public part only) that clients trust.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Serving { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static SandboxCertificates Create(DateTimeOffset now, IPAddress? bindAddress = null)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=edgeha-sandbox-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var caWithKey = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edgeha-sandbox-apiserver", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        if (bindAddress is not null && !bindAddress.Equals(IPAddress.Loopback) && !bindAddress.Equals(IPAddress.IPv6Loopback))
        {
            san.AddIpAddress(bindAddress);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(caWithKey, now.AddHours(-1), now.AddYears(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.Export(X509ContentType.Cert));
        return new SandboxCertificates(ca, caWithKey, serving);
    }

    /// <summary>Issues a client certificate (clientAuth) signed by the CA: PEM of the certificate and of its key.</summary>
    public (string CertificatePem, string KeyPem) IssueClientCertificate(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        lock (_gate)
        {
            using var issued = request.Create(_caWithKey, now.AddHours(-1), now.AddDays(360), serial);
            return (issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>Validates a server chain against this CA only (what a kubeconfig's certificate-authority-data means).</summary>
    public bool Validate(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caWithKey.Dispose();
        Serving.Dispose();
    }
}
