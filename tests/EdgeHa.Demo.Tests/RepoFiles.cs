using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo.Tests;

/// <summary>The repository the tests run in.</summary>
internal static class RepoFiles
{
    public static RepositoryLayout Layout { get; } = RepositoryLayout.Find(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("the tests run outside the repository");
}
