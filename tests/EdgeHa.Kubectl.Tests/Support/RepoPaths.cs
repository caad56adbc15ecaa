namespace EdgeHa.Kubectl.Tests.Support;

/// <summary>Files of the repository the tests read (the CRD, the sample pair, the installer script).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Crd => Path.Combine(Root, "crds", "edgeha.io_redundantpairs.yaml");

    public static string SamplePair => Path.Combine(Root, "config", "samples", "edgeha_v1alpha1_redundantpair.yaml");

    public static string Installer => Path.Combine(Root, "scripts", "install-kubectl-plugin.sh");

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "crds", "edgeha.io_redundantpairs.yaml")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root (with crds/edgeha.io_redundantpairs.yaml) not found above " + AppContext.BaseDirectory);
    }
}
